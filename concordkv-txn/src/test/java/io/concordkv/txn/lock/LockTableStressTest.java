package io.concordkv.txn.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * Several threads run short random transactions over a few keys: each locks one to three keys
 * in random order and random modes (upgrades included), then releases everything. Counters per
 * key, raised after a grant and lowered before the release, must never show two writers or a
 * writer with readers; every thread must finish and the table must be empty at the end. In the
 * calm run every deadlock must be broken by detection (the lock timeout is far longer than the
 * run); in the rough run lock timeouts are zero, one millisecond or long at random, and workers
 * abort each other's transactions, so requests are withdrawn while others are granted. Bounded by {@value #TXNS_PER_THREAD} transactions
 * per thread and {@value #BUDGET_MILLIS} ms. The seed is printed; rerun with
 * {@code -Dconcordkv.seed=<seed>} to replay the same transactions (their interleaving is up to
 * the scheduler).
 */
class LockTableStressTest {
    private static final int THREADS = 4;
    private static final int KEYS = 4;
    private static final int TXNS_PER_THREAD = 1_000;
    private static final long BUDGET_MILLIS = 3_000;

    private final Bytes[] keys = new Bytes[KEYS];
    private final AtomicInteger[] readers = new AtomicInteger[KEYS];
    private final AtomicInteger[] writers = new AtomicInteger[KEYS];
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Queue<KvException> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong deadlocks = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong endedOtherwise = new AtomicLong();
    private final AtomicReferenceArray<LockOwner> running = new AtomicReferenceArray<>(THREADS);
    private boolean rough;

    @Test
    void randomTransactionsKeepLocksExclusiveAndAllFinish() throws Exception {
        run();
    }

    @Test
    void withTimeoutsAndAbortsLocksStayExclusiveAndNothingLeaks() throws Exception {
        rough = true;
        run();
    }

    private void run() throws Exception {
        long seed = Long.getLong("concordkv.seed", System.nanoTime());
        System.out.println("LockTableStressTest seed " + seed + " (rerun with -Dconcordkv.seed=" + seed + ")");
        for (int k = 0; k < KEYS; k++) {
            keys[k] = Bytes.utf8("k" + k);
            readers[k] = new AtomicInteger();
            writers[k] = new AtomicInteger();
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (StripedLockTable table = new StripedLockTable(LockTableOptions.defaults().withStripes(2))) {
            CountDownLatch start = new CountDownLatch(1);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUDGET_MILLIS);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(seed + t);
                int worker = t;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < TXNS_PER_THREAD && System.nanoTime() - deadline < 0; i++) {
                        runTransaction(table, random, worker);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
            LockTableStats stats = table.stats();
            System.out.printf("seed %d%s: %d transactions committed, %d deadlock victims, %d timed out or aborted,"
                + " stats %s%n", seed, rough ? " (rough)" : "", committed.get(), deadlocks.get(), endedOtherwise.get(), stats);
            assertThat(violations).as("seed " + seed).isEmpty();
            assertThat(unexpected).as("seed " + seed).isEmpty();
            assertThat(stats.deadlocks()).as("seed " + seed).isEqualTo(deadlocks.get());
            assertThat(table.entryCount()).as("seed " + seed).isZero();
            assertThat(table.waitingOwnerCount()).as("seed " + seed).isZero();
            assertThat(stats.locksHeld()).as("seed " + seed).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    private void runTransaction(StripedLockTable table, Random random, int worker) {
        LockOwner owner = new LockOwner(ids.incrementAndGet());
        running.set(worker, owner);
        Map<Integer, LockMode> held = new HashMap<>();
        try {
            int locks = 1 + random.nextInt(3);
            for (int i = 0; i < locks; i++) {
                int k = random.nextInt(KEYS);
                LockMode mode = random.nextBoolean() ? LockMode.SHARED : LockMode.EXCLUSIVE;
                table.acquire(owner, keys[k], mode, timeout(random));
                granted(k, mode, held);
                if (rough && random.nextInt(8) == 0) {
                    abortSomeone(table, random);
                }
            }
            committed.incrementAndGet();
        } catch (KvException e) {
            if (e.code() == ErrorCode.DEADLOCK) {
                deadlocks.incrementAndGet();
            } else if (rough && (e.code() == ErrorCode.LOCK_TIMEOUT || e.code() == ErrorCode.TXN_TIMEOUT)) {
                endedOtherwise.incrementAndGet();
            } else {
                unexpected.add(e);
            }
        } finally {
            held.forEach((k, mode) -> (mode == LockMode.SHARED ? readers[k] : writers[k]).decrementAndGet());
            table.releaseAll(owner);
        }
    }

    private Duration timeout(Random random) {
        if (!rough) {
            return Duration.ofSeconds(30);
        }
        int pick = random.nextInt(3);
        return pick == 0 ? Duration.ZERO : pick == 1 ? Duration.ofMillis(1) : Duration.ofSeconds(30);
    }

    /** Aborts the transaction another worker is running now, as its timeout would. */
    private void abortSomeone(StripedLockTable table, Random random) {
        LockOwner victim = running.get(random.nextInt(THREADS));
        if (victim != null) {
            table.abort(victim, new KvException(ErrorCode.TXN_TIMEOUT, "owner " + victim.id() + " timed out"));
        }
    }

    private void granted(int k, LockMode mode, Map<Integer, LockMode> held) {
        LockMode before = held.get(k);
        if (before == LockMode.EXCLUSIVE || before == mode) {
            return;
        }
        if (before == LockMode.SHARED) {
            readers[k].decrementAndGet();
        }
        held.put(k, mode);
        if (mode == LockMode.SHARED) {
            readers[k].incrementAndGet();
            if (writers[k].get() != 0) {
                violations.add("key " + k + ": a reader got in beside a writer");
            }
        } else {
            int w = writers[k].incrementAndGet();
            int r = readers[k].get();
            if (w != 1 || r != 0) {
                violations.add("key " + k + ": a writer got in beside " + (w - 1) + " writers and " + r + " readers");
            }
        }
    }
}
