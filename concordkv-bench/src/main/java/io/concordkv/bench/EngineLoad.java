package io.concordkv.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * A quick in-process load on one target: fills it with {@code keys} keys, then runs each operation
 * ({@code put}, {@code get}, {@code get_miss} and, on ordered targets, {@code scan100}) on
 * {@code threads} threads for a fixed time. Keys are chosen uniformly at random from a seeded
 * generator per thread; {@code put} overwrites existing keys so the size stays fixed.
 *
 * <p>Throughput counts every operation. Latency is sampled: one operation in {@value #SAMPLE_EVERY}
 * is timed on its own, so the clock reads do not slow the loop they measure. Each loop is bounded
 * by time and by {@value #MAX_OPS_PER_THREAD} operations per thread. Not for JMH-grade figures;
 * see {@code io.concordkv.bench.jmh} for those.
 */
public final class EngineLoad {
    public static final List<String> OPS = List.of("put", "get", "get_miss", "scan100");
    static final int SAMPLE_EVERY = 16;
    static final long MAX_OPS_PER_THREAD = 500_000_000L;

    private final String targetName;
    private final int keys;
    private final int threads;
    private final Duration perOp;
    private final long seed;

    public EngineLoad(String targetName, int keys, int threads, Duration perOp, long seed) {
        if (keys < 1 || threads < 1 || perOp.isNegative() || perOp.isZero()) {
            throw new IllegalArgumentException("keys, threads and duration must be positive");
        }
        this.targetName = targetName;
        this.keys = keys;
        this.threads = threads;
        this.perOp = perOp;
        this.seed = seed;
    }

    /** Runs every applicable operation and returns one result per operation, in {@link #OPS} order. */
    public List<Map<String, Object>> run() throws InterruptedException {
        KeySpace space = new KeySpace(keys, seed);
        List<Map<String, Object>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "bench-load"));
        try (BenchTarget target = BenchTargets.open(targetName)) {
            space.fill(target);
            for (String op : OPS) {
                if (op.equals("scan100") && !target.ordered()) {
                    continue;
                }
                results.add(runOp(pool, target, space, op));
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    private Map<String, Object> runOp(ExecutorService pool, BenchTarget target, KeySpace space, String op)
            throws InterruptedException {
        List<Future<Histogram>> futures = new ArrayList<>();
        long[] counts = new long[threads];
        long start = System.nanoTime();
        long deadline = start + perOp.toNanos();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            SplittableRandom random = new SplittableRandom(seed * 31 + t);
            Callable<Histogram> worker = () -> loop(target, space, op, random, deadline, counts, thread);
            futures.add(pool.submit(worker));
        }
        Histogram latency = new Histogram(3);
        for (Future<Histogram> f : futures) {
            try {
                latency.add(f.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException(op + " failed on " + targetName, e.getCause());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("engine", targetName);
        row.put("op", op);
        row.put("threads", threads);
        row.put("keys", keys);
        row.put("ops", total);
        row.put("ops_per_sec", Math.round(total / seconds));
        row.put("p50_us", round(latency.getValueAtPercentile(50) / 1000.0));
        row.put("p99_us", round(latency.getValueAtPercentile(99) / 1000.0));
        return row;
    }

    private static Histogram loop(BenchTarget target, KeySpace space, String op, SplittableRandom random,
            long deadline, long[] counts, int thread) {
        Histogram h = new Histogram(3);
        int n = space.size();
        long done = 0;
        while (done < MAX_OPS_PER_THREAD) {
            long t0 = System.nanoTime();
            if (t0 >= deadline) {
                break;
            }
            once(target, space, op, random.nextInt(n));
            h.recordValue(Math.max(1, System.nanoTime() - t0));
            for (int i = 1; i < SAMPLE_EVERY; i++) {
                once(target, space, op, random.nextInt(n));
            }
            done += SAMPLE_EVERY;
        }
        counts[thread] = done;
        return h;
    }

    private static void once(BenchTarget target, KeySpace space, String op, int i) {
        switch (op) {
            case "put" -> target.put(space.key(i), space.value());
            case "get" -> check(target.get(space.key(i)) != null, "present key read as absent");
            case "get_miss" -> check(target.get(space.missingKey(i)) == null, "absent key read as present");
            case "scan100" -> target.scan(space.key(i), 100);
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
