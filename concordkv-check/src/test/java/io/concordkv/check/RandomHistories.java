package io.concordkv.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Random histories of a real sequential execution: each client issues operations one after the
 * other over random intervals; each operation that takes effect does so at a random point inside
 * its interval (or, for an UNKNOWN one, possibly later), and outputs are computed by running the
 * operations on a map in the order of those points. Such a history is linearizable by
 * construction. A given share of operations are FAILED (no effect) and as many UNKNOWN (effect or
 * not).
 */
final class RandomHistories {
    private final Random random;
    private final int keys;
    private final int values;
    private final int faultPercent;

    /** Histories over {@code keys} keys and {@code values} values, 5% FAILED and 5% UNKNOWN. */
    RandomHistories(long seed, int keys, int values) {
        this(seed, keys, values, 5);
    }

    /** Histories with {@code faultPercent}% FAILED and {@code faultPercent}% UNKNOWN. */
    RandomHistories(long seed, int keys, int values, int faultPercent) {
        this.random = new Random(seed);
        this.keys = keys;
        this.values = values;
        this.faultPercent = faultPercent;
    }

    /** A linearizable history of about {@code ops} operations by {@code clients} clients. */
    List<Operation> generate(int ops, int clients) {
        List<Planned> planned = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            long time = random.nextInt(20);
            for (int i = 0; i < ops / clients; i++) {
                long invoke = time + random.nextInt(10);
                long ret = invoke + 1 + random.nextInt(40);
                planned.add(plan(client, invoke, ret));
                time = ret;
            }
        }
        planned.sort(Comparator.comparingLong((Planned p) -> p.effectAt).thenComparingInt(p -> p.order));
        Map<String, String> store = new HashMap<>();
        List<Operation> history = new ArrayList<>();
        for (Planned p : planned) {
            history.add(p.run(store));
        }
        history.sort(Comparator.comparingLong(Operation::invokeTime));
        return history;
    }

    /** One of the OK GETs of {@code history}, chosen at random. */
    Operation pickRead(List<Operation> history) {
        List<Operation> reads = history.stream()
                .filter(op -> op.op().kind() == KvOp.Kind.GET && op.outcome() == Outcome.OK)
                .toList();
        return reads.get(random.nextInt(reads.size()));
    }

    private Planned plan(long client, long invoke, long ret) {
        String key = "key" + random.nextInt(keys);
        int roll = random.nextInt(100);
        KvOp op;
        if (roll < 40) {
            op = KvOp.get(key);
        } else if (roll < 65) {
            op = KvOp.put(key, value());
        } else if (roll < 75) {
            op = KvOp.delete(key);
        } else {
            Optional<String> expected = random.nextInt(5) == 0 ? Optional.empty() : Optional.of(value());
            op = KvOp.cas(key, expected, value());
        }
        int fate = random.nextInt(100);
        Outcome outcome = fate < faultPercent ? Outcome.FAILED
                : fate < 2 * faultPercent ? Outcome.UNKNOWN : Outcome.OK;
        boolean effect = outcome == Outcome.OK || outcome == Outcome.UNKNOWN && random.nextBoolean();
        long lastEffect = outcome == Outcome.UNKNOWN ? ret + 200 : ret;
        long effectAt = effect ? invoke + (long) (random.nextDouble() * (lastEffect - invoke + 1)) : Long.MAX_VALUE;
        return new Planned(client, op, invoke, ret, outcome, effectAt, random.nextInt());
    }

    private String value() {
        return "v" + random.nextInt(values);
    }

    /** An operation before it runs: its interval, its fate and when it takes effect. */
    private record Planned(long client, KvOp op, long invoke, long ret, Outcome outcome, long effectAt, int order) {

        Operation run(Map<String, String> store) {
            if (outcome == Outcome.FAILED) {
                return Operation.failed(client, op, invoke, ret);
            }
            Output output = apply(store);
            return outcome == Outcome.UNKNOWN
                    ? Operation.unknown(client, op, invoke)
                    : Operation.ok(client, op, invoke, ret, output);
        }

        private Output apply(Map<String, String> store) {
            if (effectAt == Long.MAX_VALUE) {
                return Output.ack();
            }
            String key = op.key();
            return switch (op.kind()) {
                case GET -> Output.read(Optional.ofNullable(store.get(key)));
                case PUT -> {
                    store.put(key, op.value().orElseThrow());
                    yield Output.ack();
                }
                case DELETE -> {
                    store.remove(key);
                    yield Output.ack();
                }
                case CAS -> {
                    boolean matches = Optional.ofNullable(store.get(key)).equals(op.expected());
                    if (matches) {
                        store.put(key, op.value().orElseThrow());
                    }
                    yield Output.swap(matches);
                }
            };
        }
    }
}
