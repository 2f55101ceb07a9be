package io.concordkv.bench;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.StoreOptions;
import io.concordkv.storage.StoreStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * Durable writes against the embedded store: {@code threads} writers put 16-byte keys (uniform
 * over {@code keys}) with 100-byte values for a fixed time, each write acknowledged per the fsync
 * policy. The writers first run unmeasured for a warm-up (the JIT compiles the write path, the keys
 * get inserted), then every write is timed (they cost microseconds, so the clock reads do not
 * matter) and counted, and the fsync figures are those of the measured part. Bounded by time and
 * by {@value #MAX_OPS_PER_THREAD} writes per thread. The store lives in a temporary
 * directory under {@code parent}, deleted afterwards.
 */
public final class StoreLoad {
    static final long MAX_OPS_PER_THREAD = 50_000_000L;

    private StoreLoad() {
    }

    /** Runs the load and returns one result row. */
    public static Map<String, Object> run(String engine, FsyncPolicy policy, int threads, int keys, Duration warmup,
                                          Duration duration, long seed, Path parent) throws InterruptedException {
        KeySpace space = new KeySpace(keys, seed);
        Path dir = BenchTargets.tempDir(parent);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "bench-store-writer"));
        try (KvStore store = KvStore.open(dir, StoreOptions.defaults(engine).withFsync(policy))) {
            long measureFrom = System.nanoTime() + warmup.toNanos();
            long deadline = measureFrom + duration.toNanos();
            List<Future<Histogram>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(seed * 31 + t);
                futures.add(pool.submit(() -> writeUntil(store, space, random, measureFrom, deadline)));
            }
            Phases.waitUntil(measureFrom);
            StoreStats before = store.stats();
            Histogram latency = new Histogram(3);
            for (Future<Histogram> f : futures) {
                try {
                    latency.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("writer failed", e.getCause());
                }
            }
            double seconds = (System.nanoTime() - measureFrom) / 1e9;
            StoreStats stats = store.stats();
            long fsyncs = stats.syncs() - before.syncs();
            long syncedOps = stats.syncedOps() - before.syncedOps();
            long syncNanos = stats.syncNanos() - before.syncNanos();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("engine", engine);
            row.put("fsync", policy.name().toLowerCase());
            row.put("threads", threads);
            row.put("warmup_s", round(warmup.toMillis() / 1000.0));
            row.put("ops", latency.getTotalCount());
            row.put("ops_per_sec", Math.round(latency.getTotalCount() / seconds));
            row.put("p50_us", round(latency.getValueAtPercentile(50) / 1000.0));
            row.put("p99_us", round(latency.getValueAtPercentile(99) / 1000.0));
            row.put("fsyncs", fsyncs);
            row.put("writes_per_fsync", fsyncs == 0 ? 0 : round((double) syncedOps / fsyncs));
            row.put("fsync_mean_us", fsyncs == 0 ? 0 : round(syncNanos / 1000.0 / fsyncs));
            return row;
        } finally {
            pool.shutdownNow();
            BenchTargets.deleteTree(dir);
        }
    }

    private static Histogram writeUntil(KvStore store, KeySpace space, SplittableRandom random, long measureFrom,
                                        long deadline) {
        Histogram h = new Histogram(3);
        Bytes value = space.value();
        for (long n = 0; n < MAX_OPS_PER_THREAD; n++) {
            long t0 = System.nanoTime();
            if (t0 >= deadline) {
                break;
            }
            store.put(space.key(random.nextInt(space.size())), value);
            if (t0 >= measureFrom) {
                h.recordValue(Math.max(1, System.nanoTime() - t0));
            }
        }
        return h;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
