package io.concordkv.bench;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.ConcurrencyMode;
import io.concordkv.txn.Isolation;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import io.concordkv.txn.Transaction;
import io.concordkv.txn.TxnOptions;
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

/**
 * Single-key uncontended transactions: each thread runs begin, get, put (16-byte keys uniform
 * over {@code keys}, 100-byte values), commit, for a fixed time and at most
 * {@value #MAX_TXNS_PER_THREAD} transactions. Two threads rarely pick the same key, so this
 * measures the transaction machinery, not conflicts. A conflict, if one happens, is counted and
 * not retried.
 */
public final class TxnLoad {
    static final long MAX_TXNS_PER_THREAD = 50_000_000L;

    private TxnLoad() {
    }

    public static Map<String, Object> run(String engine, FsyncPolicy fsync, Isolation isolation, ConcurrencyMode mode,
                                          int threads, int keys, Duration warmup, Duration duration, long seed,
                                          Path parent)
        throws InterruptedException {
        KeySpace space = new KeySpace(keys, seed);
        Path dir = BenchTargets.tempDir(parent);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "bench-txn"));
        try (MvccStore store = MvccStore.open(dir, MvccOptions.defaults(StoreOptions.defaults(engine).withFsync(fsync)))) {
            for (int i = 0; i < keys; i++) {
                store.put(space.key(i), space.value());
            }
            TxnOptions options = TxnOptions.of(isolation, mode);
            long measureFrom = System.nanoTime() + warmup.toNanos();
            long deadline = measureFrom + duration.toNanos();
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(seed * 31 + t);
                futures.add(pool.submit(() -> runThread(store, options, space, random, measureFrom, deadline)));
            }
            long commits = 0;
            long aborts = 0;
            for (Future<long[]> f : futures) {
                try {
                    long[] r = f.get();
                    commits += r[0];
                    aborts += r[1];
                } catch (ExecutionException e) {
                    throw new IllegalStateException("txn worker failed", e.getCause());
                }
            }
            double seconds = (System.nanoTime() - measureFrom) / 1e9;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("engine", engine);
            row.put("fsync", fsync.name().toLowerCase());
            row.put("isolation", isolation.name());
            row.put("mode", mode.name().toLowerCase());
            row.put("threads", threads);
            row.put("keys", keys);
            row.put("warmup_s", warmup.toMillis() / 1000.0);
            row.put("commits", commits);
            row.put("aborts", aborts);
            row.put("commits_per_sec", Math.round(commits / seconds));
            row.put("seed", seed);
            return row;
        } finally {
            pool.shutdownNow();
            BenchTargets.deleteTree(dir);
        }
    }

    /** Runs transactions until {@code deadline}; counts those begun at or after {@code measureFrom}. */
    private static long[] runThread(MvccStore store, TxnOptions options, KeySpace space, SplittableRandom random,
                                    long measureFrom, long deadline) {
        long commits = 0;
        long aborts = 0;
        Bytes value = space.value();
        for (long n = 0; n < MAX_TXNS_PER_THREAD; n++) {
            long now = System.nanoTime();
            if (now >= deadline) {
                break;
            }
            boolean measured = now >= measureFrom;
            Bytes key = space.key(random.nextInt(space.size()));
            try (Transaction txn = store.begin(options)) {
                txn.get(key);
                txn.put(key, value);
                txn.commit();
                commits += measured ? 1 : 0;
            } catch (io.concordkv.api.KvException e) {
                if (!e.code().retryable()) {
                    throw e;
                }
                aborts += measured ? 1 : 0;
            }
        }
        return new long[] {commits, aborts};
    }
}
