package io.concordkv.txn;

import static io.concordkv.txn.MvccStoreTest.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.api.KvException;
import io.concordkv.storage.ScanRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random concurrent transactions at each level and mode, recorded and checked by the
 * {@link HistoryChecker}; and the checker shown to catch the anomalies it is meant to catch.
 */
class TxnHistoryTest {
    private static final int THREADS = 4;
    private static final int TXNS_PER_THREAD = 150;
    private static final int KEYS = 6;

    @TempDir
    Path dir;

    static List<Arguments> levelsAndModes() {
        List<Arguments> out = new ArrayList<>();
        for (Isolation level : Isolation.values()) {
            for (ConcurrencyMode mode : ConcurrencyMode.values()) {
                out.add(Arguments.of(level, mode));
            }
        }
        return out;
    }

    /**
     * Histories each random test checks: one in CI; {@code -Dconcordkv.txn.rounds=N} for a soak
     * (with {@code -Dconcordkv.txn.seed}, every round replays that seed on its own schedule).
     */
    static final int ROUNDS = Integer.getInteger("concordkv.txn.rounds", 1);

    @ParameterizedTest
    @MethodSource("levelsAndModes")
    void randomConcurrentHistoriesKeepTheLevelsPromises(Isolation level, ConcurrencyMode mode) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            check(dir.resolve("round-" + round), level, mode, MvccStoreTest.options(round % 2 == 0 ? "rbtree" : "hash"));
        }
    }

    /** A cluster member's store: no log, commits write their versions straight into the engine. */
    @ParameterizedTest
    @MethodSource("levelsAndModes")
    void randomHistoriesKeepTheLevelsPromisesOnAStoreWithoutALog(Isolation level, ConcurrencyMode mode)
        throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            check(dir.resolve("off-" + round), level, mode, MvccStoreTest.options(round % 2 == 0 ? "hash/off" : "rbtree/off"));
        }
    }

    /** Under {@code always}, commits wait for group commits outside the commit lock (the in-flight path). */
    @ParameterizedTest
    @CsvSource({"SERIALIZABLE, OPTIMISTIC", "REPEATABLE_READ, PESSIMISTIC", "READ_COMMITTED, OPTIMISTIC"})
    void historiesStayValidWhenCommitsShareFsyncs(Isolation level, ConcurrencyMode mode) throws Exception {
        MvccOptions always = MvccStoreTest.options("hash").withStore(
            io.concordkv.storage.StoreOptions.defaults("hash").withFsync(io.concordkv.storage.FsyncPolicy.ALWAYS));
        for (int round = 0; round < ROUNDS; round++) {
            check(dir.resolve("round-" + round), level, mode, always);
        }
    }

    private void check(Path storeDir, Isolation level, ConcurrencyMode mode, MvccOptions options) throws Exception {
        long seed = Long.getLong("concordkv.txn.seed", System.nanoTime());
        System.out.println("TxnHistoryTest " + level + " " + mode + " seed=" + seed);
        HistoryChecker checker = new HistoryChecker();
        List<HistoryChecker.Committed> committed = Collections.synchronizedList(new ArrayList<>());
        try (MvccStore store = MvccStore.open(storeDir, options)) {
            List<TxnOp> load = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                load.add(TxnOp.Put.of(key(k), b("init-" + k)));
            }
            long loaded = store.txn(new TxnRequest(List.of(), load, List.of())).revision();
            List<TxnOperation> loadOps = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                loadOps.add(new TxnOperation(TxnOperation.Kind.PUT, key(k), Optional.empty(),
                    Optional.of(b("init-" + k)), List.of(), 0));
            }
            checker.add(new HistoryChecker.Committed(0, 0, loaded, loadOps));
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                int thread = t;
                futures.add(pool.submit(() -> runClient(store, level, mode, random, thread, committed)));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        committed.forEach(checker::add);
        boolean snapshot = level == Isolation.REPEATABLE_READ
            || level == Isolation.SERIALIZABLE && mode == ConcurrencyMode.OPTIMISTIC;
        assertThat(committed).as("some transactions committed").hasSizeGreaterThan(THREADS * TXNS_PER_THREAD / 10);
        assertThat(checker.check(level, snapshot)).as("seed " + seed).isEmpty();
    }

    /**
     * One to four random operations on keys {@code k0..k(keys-1)}: get, get for update, a range
     * over all of them, delete or put; each put writes a value unique in the history
     * ({@code tag} and the operation's number).
     */
    static void randomOperations(Transaction txn, SplittableRandom random, int keys, String tag) {
        int ops = 1 + random.nextInt(4);
        for (int i = 0; i < ops; i++) {
            Bytes key = key(random.nextInt(keys));
            switch (random.nextInt(6)) {
                case 0 -> txn.get(key);
                case 1 -> txn.getForUpdate(key);
                case 2 -> txn.range(ScanRange.prefix(b("k")));
                case 3 -> txn.delete(key);
                default -> txn.put(key, b(tag + "-" + i));
            }
        }
    }

    private static Bytes key(int k) {
        return b("k" + k);
    }

    private static void runClient(MvccStore store, Isolation level, ConcurrencyMode mode, SplittableRandom random,
                                  int thread, List<HistoryChecker.Committed> committed) {
        TxnOptions options = TxnOptions.of(level, mode).withLockWaitTimeout(Duration.ofSeconds(2));
        for (int n = 0; n < TXNS_PER_THREAD; n++) {
            Transaction txn = store.begin(options);
            try {
                randomOperations(txn, random, KEYS, "t" + thread + "-" + n);
                long revision = txn.commit();
                committed.add(new HistoryChecker.Committed(txn.id(), txn.startRevision(), revision, txn.operations()));
            } catch (KvException e) {
                if (!e.code().retryable()) {
                    throw e;
                }
            } finally {
                txn.close();
            }
        }
    }

    @Test
    void theCheckerFindsWriteSkewDirtyReadsAndReadsOffTheSnapshot() {
        HistoryChecker skew = new HistoryChecker();
        skew.add(new HistoryChecker.Committed(0, 0, 1, List.of(put("x", "50"), put("y", "50"))));
        skew.add(new HistoryChecker.Committed(1, 1, 2, List.of(get("x", "50", 1, 1), get("y", "50", 1, 1),
            put("x", "-50"))));
        skew.add(new HistoryChecker.Committed(2, 1, 3, List.of(get("x", "50", 1, 1), get("y", "50", 1, 1),
            put("y", "-50"))));
        assertThat(skew.check(Isolation.REPEATABLE_READ, true)).as("allowed under snapshot isolation").isEmpty();
        assertThat(skew.check(Isolation.SERIALIZABLE, true)).singleElement().asString().contains("cycle");

        HistoryChecker dirty = new HistoryChecker();
        dirty.add(new HistoryChecker.Committed(0, 0, 1, List.of(put("x", "a"))));
        dirty.add(new HistoryChecker.Committed(1, 1, 1, List.of(get("x", "uncommitted", 2, 1))));
        assertThat(dirty.check(Isolation.READ_COMMITTED, false)).anyMatch(p -> p.contains("never committed"));

        HistoryChecker offSnapshot = new HistoryChecker();
        offSnapshot.add(new HistoryChecker.Committed(0, 0, 1, List.of(put("x", "a"))));
        offSnapshot.add(new HistoryChecker.Committed(1, 0, 2, List.of(put("x", "b"))));
        offSnapshot.add(new HistoryChecker.Committed(2, 1, 2, List.of(get("x", "b", 2, 2))));
        assertThat(offSnapshot.check(Isolation.REPEATABLE_READ, true)).anyMatch(p -> p.contains("not at its start"));
        assertThat(offSnapshot.check(Isolation.READ_COMMITTED, false)).isEmpty();
    }

    private static TxnOperation put(String key, String value) {
        return new TxnOperation(TxnOperation.Kind.PUT, b(key), Optional.empty(), Optional.of(b(value)), List.of(), 0);
    }

    private static TxnOperation get(String key, String value, long modRevision, long at) {
        return new TxnOperation(TxnOperation.Kind.GET, b(key), Optional.empty(), Optional.empty(),
            List.of(new KeyVersion(b(key), b(value), 1, modRevision, 1, 0)), at);
    }
}
