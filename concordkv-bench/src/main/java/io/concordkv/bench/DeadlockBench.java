package io.concordkv.bench;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Deadlock detection latency: {@code rounds} times, {@code size} pessimistic transactions each
 * lock their own key and then ask for the next one's; the last request closes the cycle. Measures
 * the time from that request to the victim's {@code DEADLOCK}. Every round is bounded (10 s).
 */
public final class DeadlockBench {
    private DeadlockBench() {
    }

    public static Map<String, Object> run(int size, int rounds, Path parent) throws Exception {
        Path dir = BenchTargets.tempDir(parent);
        ExecutorService pool = Executors.newFixedThreadPool(size, r -> new Thread(r, "bench-deadlock"));
        Histogram latency = new Histogram(3);
        int victimsYoungest = 0;
        MvccOptions options = MvccOptions.defaults(StoreOptions.defaults("hash").withFsync(FsyncPolicy.NEVER));
        try (MvccStore store = MvccStore.open(dir, options)) {
            TxnOptions txnOptions = TxnOptions.of(Isolation.READ_COMMITTED, ConcurrencyMode.PESSIMISTIC)
                .withLockWaitTimeout(Duration.ofSeconds(10));
            for (int round = 0; round < rounds; round++) {
                List<Transaction> txns = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    Transaction t = store.begin(txnOptions);
                    t.put(key(round, i), Bytes.utf8("v"));
                    txns.add(t);
                }
                AtomicLong abortedAt = new AtomicLong();
                List<Future<ErrorCode>> outcomes = new ArrayList<>();
                long waits = store.stats().lockWaits();
                for (int i = 0; i < size - 1; i++) {
                    outcomes.add(pool.submit(step(txns.get(i), key(round, (i + 1) % size), abortedAt)));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (store.stats().lockWaits() < waits + size - 1 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                long closed = System.nanoTime();
                outcomes.add(pool.submit(step(txns.get(size - 1), key(round, 0), abortedAt)));
                List<ErrorCode> codes = new ArrayList<>();
                for (Future<ErrorCode> f : outcomes) {
                    codes.add(f.get(10, TimeUnit.SECONDS));
                }
                if (codes.get(size - 1) == ErrorCode.DEADLOCK && codes.stream().filter(c -> c != null).count() == 1) {
                    victimsYoungest++;
                }
                latency.recordValue(Math.max(1, abortedAt.get() - closed));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("cycle_size", size);
            row.put("rounds", rounds);
            row.put("one_youngest_victim", victimsYoungest);
            row.put("p50_ms", StoreLoad.round(latency.getValueAtPercentile(50) / 1e6));
            row.put("p99_ms", StoreLoad.round(latency.getValueAtPercentile(99) / 1e6));
            row.put("max_ms", StoreLoad.round(latency.getMaxValue() / 1e6));
            return row;
        } finally {
            pool.shutdownNow();
            BenchTargets.deleteTree(dir);
        }
    }

    private static Bytes key(int round, int i) {
        return Bytes.utf8("r" + round + "/k" + i);
    }

    private static java.util.concurrent.Callable<ErrorCode> step(Transaction t, Bytes next, AtomicLong abortedAt) {
        return () -> {
            try {
                t.put(next, Bytes.utf8("v"));
                t.commit();
                return null;
            } catch (KvException e) {
                abortedAt.set(System.nanoTime());
                return e.code();
            }
        };
    }
}
