package io.concordkv.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Hand-made histories for tests: one call per operation, times given explicitly. */
final class HistoryBuilder {
    private final List<Operation> ops = new ArrayList<>();

    HistoryBuilder put(long client, String key, String value, long invoke, long ret) {
        return add(Operation.ok(client, KvOp.put(key, value), invoke, ret, Output.ack()));
    }

    HistoryBuilder delete(long client, String key, long invoke, long ret) {
        return add(Operation.ok(client, KvOp.delete(key), invoke, ret, Output.ack()));
    }

    HistoryBuilder get(long client, String key, String read, long invoke, long ret) {
        return add(Operation.ok(client, KvOp.get(key), invoke, ret, Output.read(read)));
    }

    HistoryBuilder getAbsent(long client, String key, long invoke, long ret) {
        return add(Operation.ok(client, KvOp.get(key), invoke, ret, Output.absent()));
    }

    HistoryBuilder cas(long client, String key, String expected, String value, boolean swapped,
                       long invoke, long ret) {
        return add(Operation.ok(client, KvOp.cas(key, Optional.ofNullable(expected), value), invoke, ret,
                Output.swap(swapped)));
    }

    HistoryBuilder unknownPut(long client, String key, String value, long invoke) {
        return add(Operation.unknown(client, KvOp.put(key, value), invoke));
    }

    HistoryBuilder unknownCas(long client, String key, String expected, String value, long invoke) {
        return add(Operation.unknown(client, KvOp.cas(key, Optional.ofNullable(expected), value), invoke));
    }

    HistoryBuilder failedPut(long client, String key, String value, long invoke, long ret) {
        return add(Operation.failed(client, KvOp.put(key, value), invoke, ret));
    }

    HistoryBuilder add(Operation op) {
        ops.add(op);
        return this;
    }

    List<Operation> build() {
        return List.copyOf(ops);
    }
}
