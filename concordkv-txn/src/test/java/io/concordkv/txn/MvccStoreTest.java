package io.concordkv.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MvccStoreTest {
    @TempDir
    Path dir;

    static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    /**
     * A store on {@code engine} with fsync {@code never}; {@code "ENGINE/off"} names one with no log
     * at all, as a cluster member's store (its commits write versions straight into the engine).
     */
    static MvccOptions options(String engine) {
        boolean off = engine.endsWith("/off");
        String name = off ? engine.substring(0, engine.length() - 4) : engine;
        return MvccOptions.defaults(StoreOptions.defaults(name).withFsync(off ? FsyncPolicy.OFF : FsyncPolicy.NEVER))
            .withRetainRevisions(0);
    }

    private static List<String> keys(RangeResult r) {
        return r.kvs().stream().map(kv -> kv.key().toUtf8()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"array", "rbtree", "hash", "lsm", "array/off", "rbtree/off", "hash/off"})
    void everyWriteGetsTheNextRevisionAndKeysCarryEtcdMetadata(String engine) {
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            assertThat(store.currentRevision()).as("a new store is at revision 1, as etcd's").isEqualTo(1);
            assertThat(store.put(b("a"), b("1"))).isEqualTo(new WriteResult(2, List.of()));
            assertThat(store.put(b("b"), b("1")).revision()).isEqualTo(3);
            WriteResult second = store.put(b("a"), b("2"));
            assertThat(second.revision()).isEqualTo(4);
            assertThat(second.previous()).containsExactly(new KeyVersion(b("a"), b("1"), 2, 2, 1, 0));
            assertThat(second).isEqualTo(new WriteResult(4, List.of(new KeyVersion(b("a"), b("1"), 2, 2, 1, 0))));
            assertThat(store.get(b("a"))).contains(new KeyVersion(b("a"), b("2"), 2, 4, 2, 0));
            assertThat(store.delete(b("a")).revision()).isEqualTo(5);
            assertThat(store.get(b("a"))).isEmpty();
            assertThat(store.delete(b("a")).revision()).as("a delete of an absent key uses no revision").isEqualTo(5);
            assertThat(store.put(b("a"), b("3"))).as("a put over a tombstone replaces no live version")
                .isEqualTo(new WriteResult(6, List.of()));
            assertThat(store.get(b("a"))).as("recreated: new create revision, version 1")
                .contains(new KeyVersion(b("a"), b("3"), 6, 6, 1, 0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"array", "rbtree", "hash", "lsm", "array/off", "rbtree/off", "hash/off"})
    void readsAtOlderRevisionsSeeThatMomentAcrossKeys(String engine) {
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            store.put(b("a"), b("a1"));          // 2
            store.put(b("b"), b("b1"));          // 3
            store.put(b("a"), b("a2"));          // 4
            store.delete(b("b"));                // 5
            store.put(b("c"), b("c1"));          // 6
            assertThat(store.get(b("a"), 1)).as("the empty revision a new store starts at").isEmpty();
            assertThat(store.get(b("a"), 3).map(KeyVersion::value)).contains(b("a1"));
            assertThat(store.get(b("a"), 4).map(KeyVersion::value)).contains(b("a2"));
            assertThat(store.get(b("b"), 4).map(KeyVersion::value)).contains(b("b1"));
            assertThat(store.get(b("b"), 5)).isEmpty();
            assertThat(store.get(b("c"), 5)).isEmpty();
            assertThat(keys(store.range(ScanRange.all(), 3))).containsExactly("a", "b");
            assertThat(store.range(ScanRange.all(), 4).kvs()).extracting(KeyVersion::value)
                .containsExactly(b("a2"), b("b1"));
            assertThat(keys(store.range(ScanRange.all(), 6))).containsExactly("a", "c");
            assertThat(keys(store.range(ScanRange.all().reversed(), 4))).containsExactly("b", "a");
            RangeResult limited = store.range(ScanRange.all().withLimit(1), 4);
            assertThat(keys(limited)).containsExactly("a");
            assertThat(limited.more()).isTrue();
            assertThatThrownBy(() -> store.get(b("a"), 7)).isInstanceOf(KvException.class)
                .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.FUTURE_REVISION);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rbtree", "hash", "array/off", "rbtree/off", "hash/off"})
    void rangesSkipDeletedKeysAcrossPages(String engine) {
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            for (int i = 0; i < 300; i++) {
                store.put(b(String.format("k%03d", i)), b("v"));
            }
            for (int i = 0; i < 290; i++) {
                store.delete(b(String.format("k%03d", i)));
            }
            RangeResult r = store.range(ScanRange.prefix(b("k")).withLimit(5));
            assertThat(keys(r)).containsExactly("k290", "k291", "k292", "k293", "k294");
            assertThat(r.more()).isTrue();
            assertThat(keys(store.range(ScanRange.prefix(b("k")).reversed().withLimit(2))))
                .containsExactly("k299", "k298");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"array", "rbtree", "hash", "lsm", "array/off", "rbtree/off", "hash/off"})
    void compactionDropsOldVersionsAndRefusesReadsBelowIt(String engine) {
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            store.put(b("a"), b("1"));   // 2
            store.put(b("a"), b("2"));   // 3
            store.put(b("b"), b("1"));   // 4
            store.delete(b("b"));        // 5
            store.put(b("a"), b("3"));   // 6
            CompactionReport report = store.compact(5);
            assertThat(report.revision()).isEqualTo(5);
            assertThat(report.versionsRemoved()).as("a@2 and b@4 (replaced at or before 5)").isEqualTo(2);
            assertThat(report.tombstonesRemoved()).isEqualTo(1);
            assertThat(store.get(b("a"), 5).map(KeyVersion::value)).contains(b("2"));
            assertThat(store.get(b("a"), 6).map(KeyVersion::value)).contains(b("3"));
            assertThat(store.get(b("b"), 5)).isEmpty();
            assertThatThrownBy(() -> store.get(b("a"), 4)).isInstanceOf(KvException.class)
                .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.COMPACTED);
            assertThatThrownBy(() -> store.compact(5)).extracting(e -> ((KvException) e).code())
                .isEqualTo(ErrorCode.COMPACTED);
            assertThatThrownBy(() -> store.compact(10)).extracting(e -> ((KvException) e).code())
                .isEqualTo(ErrorCode.FUTURE_REVISION);
            store.put(b("b"), b("again"));
            assertThat(store.get(b("b"))).contains(new KeyVersion(b("b"), b("again"), 7, 7, 1, 0));
        }
    }

    /**
     * History compaction removes exactly the old versions replaced at or before the point from the
     * store itself (by range deletes on ordered engines, several for a long history, by key on
     * {@code hash}), and the store opened again after its log was compacted holds the same.
     */
    @ParameterizedTest
    @ValueSource(strings = {"array", "rbtree", "hash", "lsm"})
    void compactionRemovesTheOldVersionsFromTheStoreAndTheLogAgrees(String engine) {
        int versions = 2_500; // more than the compactor deletes in one go
        long base = MvccStore.FIRST_REVISION; // put i is revision base + i
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            for (int i = 1; i <= versions; i++) {
                store.put(b("k" + (i % 7)), b("v" + i));
            }
            CompactionReport report = store.compact(base + versions - 100);
            // every put from the 8th on replaced one version; those replaced at or before the point go
            assertThat(report.versionsRemoved()).isEqualTo(versions - 100 - 7);
            assertThat(store.get(b("k1"), base + versions - 100).map(KeyVersion::value))
                .contains(b("v" + lastWrite(1, versions - 100)));
        }
        try (KvStore raw = raw(dir, engine)) {
            List<Long> replacedAt = raw.scan(io.concordkv.txn.internal.MvccKeys.historyRange(0, Long.MAX_VALUE))
                .stream().map(kv -> io.concordkv.txn.internal.MvccKeys.revisionOfHistory(kv.key())).toList();
            assertThat(replacedAt).as("history left: versions replaced after the point")
                .hasSize(100).allMatch(r -> r > base + versions - 100);
            if (!engine.equals("lsm")) {
                raw.compact();
            }
        }
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            assertThat(store.get(b("k3"), base + versions - 50).map(KeyVersion::value)).isPresent();
            assertThatThrownBy(() -> store.get(b("k3"), base + versions - 101)).extracting(e -> ((KvException) e).code())
                .isEqualTo(ErrorCode.COMPACTED);
            assertThat(store.get(b("k3")).map(KeyVersion::modRevision)).contains(base + lastWrite(3, versions));
        }
        try (KvStore raw = raw(dir, engine)) {
            assertThat(raw.scan(io.concordkv.txn.internal.MvccKeys.historyRange(0, Long.MAX_VALUE)))
                .as("after the log's compaction and a reopen").hasSize(100);
        }
    }

    /**
     * Over an engine that holds versions as objects, history compaction takes its count and cuts
     * from the engine: versions filed in its history (a read at an old revision files what puts
     * left unfiled) and those still unfiled are each counted once, however the two are mixed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"array", "rbtree", "hash", "rbtree/off", "hash/off"})
    void compactionCountsFiledAndUnfiledVersionsOnce(String engine) {
        long base = MvccStore.FIRST_REVISION; // put i is revision base + i
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            for (int i = 1; i <= 2_500; i++) {
                store.put(b("k" + (i % 7)), b("v" + i));
            }
            // files every version so far in history (more than one cut's worth)
            assertThat(store.get(b("k1"), base + 100).map(KeyVersion::value)).contains(b("v" + lastWrite(1, 100)));
            for (int i = 2_501; i <= 3_000; i++) {
                store.put(b("k" + (i % 7)), b("v" + i));
            }
            CompactionReport first = store.compact(base + 2_000);
            assertThat(first.versionsRemoved()).as("replaced at or before the point, all filed").isEqualTo(2_000 - 7);
            CompactionReport second = store.compact(base + 2_800);
            assertThat(second.versionsRemoved()).as("500 filed and 300 unfiled").isEqualTo(800);
            assertThat(store.get(b("k4"), base + 2_800).map(KeyVersion::value)).contains(b("v" + lastWrite(4, 2_800)));
            assertThatThrownBy(() -> store.get(b("k4"), base + 2_799)).extracting(e -> ((KvException) e).code())
                .isEqualTo(ErrorCode.COMPACTED);
            assertThat(store.compact(base + 3_000).versionsRemoved()).as("the rest, unfiled").isEqualTo(200);
        }
    }

    /**
     * With a log, a commit over an in-memory engine logs the version it replaces by reference (the
     * log holds each version once), and history survives log compaction (which keeps what a
     * reference names, though a later put supersedes it) and a reopen that replays the references:
     * every read at every retained revision is what it was, snapshots taken in between (which hold
     * whole records, and leave references in the log to versions they hold). Under {@code always}
     * the group commit applies the references from the bytes.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"rbtree,NEVER", "hash,NEVER", "rbtree,ALWAYS", "hash,BATCH"})
    void historyLoggedByReferenceSurvivesLogCompactionAndReopen(String engine, String fsync) {
        MvccOptions opts = MvccOptions.defaults(StoreOptions.defaults(engine).withFsync(FsyncPolicy.valueOf(fsync)))
            .withRetainRevisions(0);
        long seed = Long.getLong("concordkv.txn.seed", System.nanoTime());
        System.out.println("MvccStoreTest historyLoggedByReferenceSurvivesLogCompactionAndReopen seed=" + seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        java.util.Map<Long, java.util.Map<String, String>> states = new java.util.HashMap<>();
        java.util.Map<String, String> current = new java.util.HashMap<>();
        long compacted;
        try (MvccStore store = MvccStore.open(dir, opts)) {
            for (int i = 0; i < 100; i++) {
                store.put(b("k" + i % 5), b(i + "-" + "x".repeat(100)));
            }
            // logged twice (the replaced one copied under its history key), the values alone would take 19,500
            assertThat(store.kvStore().stats().logBytes()).as("100 versions of 100 bytes, each logged once")
                .isLessThan(19_500);
            for (int i = 0; i < 400; i++) {
                String key = "k" + random.nextInt(8);
                int what = random.nextInt(10);
                if (what == 0) {
                    store.delete(b(key));
                    current.remove(key);
                } else if (what == 1) {
                    String other = "k" + random.nextInt(8);
                    store.txn(new TxnRequest(List.of(), List.of(new TxnOp.Put(b(key), b("t" + i), 0, false),
                        new TxnOp.Put(b(other + "/t"), b("u" + i), 0, false)), List.of()));
                    current.put(key, "t" + i);
                    current.put(other + "/t", "u" + i);
                } else {
                    store.put(b(key), b("v" + i));
                    current.put(key, "v" + i);
                }
                states.put(store.currentRevision(), new java.util.HashMap<>(current));
                if (i % 60 == 59) {
                    store.compact(store.currentRevision() - 80);
                    store.kvStore().compact();
                }
                if (i == 200 || i == 290) {
                    // full, then incremental: later references name versions the snapshots hold
                    store.kvStore().snapshot();
                }
            }
            compacted = store.compactedRevision();
            checkStates(store, states, compacted);
        }
        try (MvccStore store = MvccStore.open(dir, opts)) {
            assertThat(store.compactedRevision()).isEqualTo(compacted);
            checkStates(store, states, compacted);
        }
    }

    /** Every key of every state from the one after {@code compacted} on reads as it was then. */
    private static void checkStates(MvccStore store, java.util.Map<Long, java.util.Map<String, String>> states,
                                    long compacted) {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        states.values().forEach(m -> keys.addAll(m.keySet()));
        for (var state : states.entrySet()) {
            if (state.getKey() <= compacted) {
                continue;
            }
            for (String key : keys) {
                assertThat(store.get(b(key), state.getKey()).map(kv -> kv.value().toUtf8()))
                    .as("%s at %d", key, state.getKey()).isEqualTo(Optional.ofNullable(state.getValue().get(key)));
            }
        }
    }

    /** The last put at or before the {@code put}th that wrote key k{@code n} (put i writes k(i % 7)). */
    private static long lastWrite(int n, long put) {
        long r = put;
        while (r % 7 != n) {
            r--;
        }
        return r;
    }

    @Test
    void compactionKeepsWhatAnOpenSnapshotTransactionReads() {
        try (MvccStore store = MvccStore.open(dir, options("rbtree"))) {
            store.put(b("a"), b("1"));
            Transaction reader = store.begin(TxnOptions.of(Isolation.REPEATABLE_READ, ConcurrencyMode.OPTIMISTIC)
                .withReadOnly(true));
            store.put(b("a"), b("2"));
            store.put(b("a"), b("3"));
            CompactionReport report = store.compact(4);
            assertThat(report.revision()).as("stopped at the reader's start revision").isEqualTo(2);
            assertThat(reader.get(b("a")).map(KeyVersion::value)).contains(b("1"));
            reader.commit();
            assertThat(store.compact(4).revision()).isEqualTo(4);
        }
    }

    @Test
    void automaticCompactionKeepsTheConfiguredNumberOfRevisions() {
        MvccOptions opts = options("hash").withRetainRevisions(10).withMaintenanceInterval(Duration.ofMillis(5));
        try (MvccStore store = MvccStore.open(dir, opts)) {
            for (int i = 0; i < 100; i++) {
                store.put(b("k"), b("v" + i));
            }
            // revisions 2..101; it may run during the puts too; it stops once at most 10 + 1 revisions are beyond the point
            await().atMost(Duration.ofSeconds(10)).until(() -> store.compactedRevision() >= 90);
            long point = store.compactedRevision();
            assertThat(point).isLessThanOrEqualTo(91);
            assertThat(store.get(b("k"), point).map(KeyVersion::value)).contains(b("v" + (point - 2)));
            assertThat(store.stats().versionsCompacted()).as("one replaced version per revision from 3 to the point")
                .isEqualTo(point - 2);
        }
    }

    @Test
    void automaticCompactionByAgeDropsRevisionsOlderThanTheConfiguredAge() {
        MvccOptions opts = options("rbtree").withRetainAge(Duration.ofMillis(200))
            .withMaintenanceInterval(Duration.ofMillis(10));
        try (MvccStore store = MvccStore.open(dir, opts)) {
            for (int i = 0; i < 10; i++) {
                store.put(b("k"), b("v" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> store.compactedRevision() == 11);
            assertThat(store.get(b("k")).map(KeyVersion::value)).contains(b("v9"));
            assertThatThrownBy(() -> store.get(b("k"), 10)).extracting(e -> ((KvException) e).code())
                .isEqualTo(ErrorCode.COMPACTED);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"array", "rbtree", "hash", "lsm"})
    void revisionsHistoryAndCompactionPointSurviveReopen(String engine) {
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            store.put(b("a"), b("1"));
            store.put(b("a"), b("2"));
            store.put(b("a"), b("3"));
            store.compact(3);
            store.delete(b("a"));
        }
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            assertThat(store.currentRevision()).isEqualTo(5);
            assertThat(store.compactedRevision()).isEqualTo(3);
            assertThat(store.get(b("a"), 4).map(KeyVersion::value)).contains(b("3"));
            assertThat(store.get(b("a"), 3).map(KeyVersion::value)).contains(b("2"));
            assertThat(store.get(b("a"))).isEmpty();
            assertThat(store.put(b("a"), b("4")).revision()).isEqualTo(6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rbtree", "hash"})
    void historyLivesThroughSnapshotsAndIsStillCompactedAfterReopen(String engine) {
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            store.put(b("a"), b("1"));                 // 2
            store.put(b("a"), b("2"));                 // 3
            store.kvStore().snapshot();                // full
            store.put(b("a"), b("3"));                 // 4
            store.delete(b("b"));                      // absent: no revision
            store.put(b("b"), b("1"));                 // 5
            store.kvStore().snapshot();                // incremental
            store.delete(b("b"));                      // 6
        }
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            assertThat(store.currentRevision()).isEqualTo(6);
            assertThat(store.get(b("a"), 2).map(KeyVersion::value)).contains(b("1"));
            assertThat(store.get(b("b"), 5).map(KeyVersion::value)).contains(b("1"));
            CompactionReport report = store.compact(6);
            assertThat(report.versionsRemoved()).as("a@2, a@3, b@5: found again after reopening").isEqualTo(3);
            assertThat(report.tombstonesRemoved()).isEqualTo(1);
            assertThat(store.get(b("a"), 6).map(KeyVersion::value)).contains(b("3"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NEVER", "OFF"})
    @org.junit.jupiter.api.Timeout(30)
    void aCommitOverTheBatchLimitWithItsHistoryIsRefusedBeforeItUsesARevision(String fsync) {
        MvccOptions small = options("rbtree").withStore(StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.valueOf(fsync))
            .withLimits(new io.concordkv.storage.EngineLimits(1024, 1024, 1500)));
        try (MvccStore store = MvccStore.open(dir, small)) {
            Bytes big = Bytes.wrap(new byte[800]);
            store.put(b("k"), big);
            assertThatThrownBy(() -> store.put(b("k"), big)).as("800 new + 800 moved to history")
                .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
            assertThat(store.currentRevision()).isEqualTo(2);
            assertThat(store.delete(b("absent")).revision()).as("answers at once, waits for no lost revision")
                .isEqualTo(2);
            assertThat(store.put(b("small"), b("v")).revision()).isEqualTo(3);
            assertThat(store.get(b("k")).orElseThrow().version()).isEqualTo(1);
        }
    }

    @Test
    void aPlainStoreIsNotOpenedAsAnMvccStore() {
        try (KvStore plain = KvStore.open(dir, StoreOptions.defaults("rbtree"))) {
            plain.put(b("x"), b("y"));
        }
        assertThatThrownBy(() -> MvccStore.open(dir, options("rbtree"))).isInstanceOf(KvException.class)
            .hasMessageContaining("plain store");
    }

    @Test
    void conditionalTransactionsCompareThenWriteAtomically() {
        try (MvccStore store = MvccStore.open(dir, options("rbtree"))) {
            store.put(b("a"), b("1"));
            TxnRequest cas = new TxnRequest(List.of(Compare.value(b("a"), Compare.Op.EQUAL, b("1"))),
                List.of(new TxnOp.Put(b("a"), b("2"), 0, true), new TxnOp.Range(ScanRange.prefix(b("a")))),
                List.of(new TxnOp.Range(ScanRange.prefix(b("a")))));
            TxnResponse first = store.txn(cas);
            assertThat(first.succeeded()).isTrue();
            assertThat(first.revision()).isEqualTo(3);
            assertThat(((TxnResponse.PutResponse) first.results().get(0)).previous().map(KeyVersion::value))
                .contains(b("1"));
            assertThat(((TxnResponse.RangeResponse) first.results().get(1)).range().kvs())
                .as("a read after a put in the same branch sees it").extracting(KeyVersion::value)
                .containsExactly(b("2"));
            TxnResponse second = store.txn(cas);
            assertThat(second.succeeded()).isFalse();
            assertThat(second.revision()).isEqualTo(3);
            assertThat(store.txn(new TxnRequest(List.of(Compare.version(b("a"), Compare.Op.EQUAL, 2),
                Compare.createRevision(b("a"), Compare.Op.EQUAL, 2), Compare.modRevision(b("a"), Compare.Op.LESS, 4),
                Compare.version(b("absent"), Compare.Op.EQUAL, 0)), List.of(), List.of())).succeeded()).isTrue();
        }
    }

    @Test
    void aCompareOverAnEmptyRangeActsOnAnAbsentKeyAsEtcdDoes() {
        try (MvccStore store = MvccStore.open(dir, options("rbtree"))) {
            store.put(b("q"), b("1"));
            Compare noVersion = new Compare(b("p/"), Optional.of(b("p0")), Compare.Target.VERSION, Compare.Op.EQUAL, 0,
                Bytes.EMPTY);
            Compare anyValue = new Compare(b("p/"), Optional.of(b("p0")), Compare.Target.VALUE, Compare.Op.NOT_EQUAL, 0,
                b("x"));
            assertThat(store.txn(new TxnRequest(List.of(noVersion), List.of(), List.of())).succeeded()).isTrue();
            assertThat(store.txn(new TxnRequest(List.of(anyValue), List.of(), List.of())).succeeded())
                .as("a value compare on no key is false").isFalse();
            store.put(b("p/1"), b("1"));
            assertThat(store.txn(new TxnRequest(List.of(noVersion), List.of(), List.of())).succeeded()).isFalse();
            assertThat(store.txn(new TxnRequest(List.of(anyValue), List.of(), List.of())).succeeded()).isTrue();
        }
    }

    /** Regression: an empty end (etcd's range_end "\0") was taken as a range ending before its start. */
    @Test
    void aCompareWithAnEmptyEndCoversEveryKeyFromItsKeyOn() {
        try (MvccStore store = MvccStore.open(dir, options("rbtree"))) {
            store.put(b("a"), b("1"));
            long before = store.put(b("m"), b("1")).revision();
            Compare unchangedFromM = new Compare(b("m"), Optional.of(Bytes.EMPTY), Compare.Target.MOD, Compare.Op.LESS,
                before + 1, Bytes.EMPTY);
            assertThat(store.txn(new TxnRequest(List.of(unchangedFromM), List.of(), List.of())).succeeded()).isTrue();
            store.put(b("a"), b("2"));
            assertThat(store.txn(new TxnRequest(List.of(unchangedFromM), List.of(), List.of())).succeeded())
                .as("a key before the range changed").isTrue();
            store.put(b("zz"), b("1"));
            assertThat(store.txn(new TxnRequest(List.of(unchangedFromM), List.of(), List.of())).succeeded())
                .as("a key far past the compare's key changed").isFalse();
        }
    }

    @Test
    void deleteRangeRemovesEveryKeyInOneRevision() {
        try (MvccStore store = MvccStore.open(dir, options("array"))) {
            store.put(b("p/1"), b("1"));
            store.put(b("p/2"), b("2"));
            store.put(b("q"), b("3"));
            WriteResult r = store.deleteRange(ScanRange.prefix(b("p/")));
            assertThat(r.revision()).isEqualTo(5);
            assertThat(r.previous()).hasSize(2);
            assertThat(keys(store.range(ScanRange.all()))).containsExactly("q");
            assertThat(keys(store.range(ScanRange.all(), 4))).containsExactly("p/1", "p/2", "q");
        }
    }

    @Test
    void oversizedWritesAreRefusedAndChangeNothing() {
        try (MvccStore store = MvccStore.open(dir, options("rbtree"))) {
            Bytes huge = Bytes.wrap(new byte[9 * 1024 * 1024]);
            assertThatThrownBy(() -> store.put(b("k"), huge)).extracting(e -> ((KvException) e).code())
                .isEqualTo(ErrorCode.VALUE_TOO_LARGE);
            assertThat(store.currentRevision()).isEqualTo(MvccStore.FIRST_REVISION);
            assertThat(store.get(b("k"))).isEqualTo(Optional.empty());
        }
    }

    /** The last revision is found again at open from the data alone; it is never reused. */
    @ParameterizedTest
    @ValueSource(strings = {"rbtree", "hash", "lsm"})
    void revisionsContinueAfterAReopenWhateverTheLastCommitWas(String engine) {
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            store.put(b("a"), b("1"));                      // 2
            store.put(b("b"), b("1"));                      // 3
            store.delete(b("b"));                           // 4: the newest trace is a tombstone
        }
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            assertThat(store.currentRevision()).isEqualTo(4);
            assertThat(store.put(b("c"), b("1")).revision()).isEqualTo(5);
            store.delete(b("c"));                           // 6
            store.compact(6);                               // drops the tombstone of revision 6
        }
        try (MvccStore store = MvccStore.open(dir, options(engine))) {
            assertThat(store.currentRevision()).as("the compaction point keeps revision 6 used").isEqualTo(6);
            assertThat(store.put(b("d"), b("1")).revision()).isEqualTo(7);
        }
    }

    /** The scan at open reads in pages: the newest revision is found on any page. */
    @Test
    void theLastRevisionIsFoundPastTheFirstPageOfKeys() {
        int keys = 25_001;
        try (MvccStore store = MvccStore.open(dir, options("rbtree"))) {
            for (int i = 0; i < keys; i++) {
                store.put(b(String.format("k%05d", i)), b("v"));
            }
        }
        try (MvccStore store = MvccStore.open(dir, options("rbtree"))) {
            assertThat(store.currentRevision()).as("newest on the last page").isEqualTo(keys + 1);
            store.put(b("k00000"), b("again"));
        }
        try (MvccStore store = MvccStore.open(dir, options("rbtree"))) {
            assertThat(store.currentRevision()).as("newest on the first page").isEqualTo(keys + 2);
        }
    }

    /**
     * The MVCC store's directory opened as a store of records, through the engine that reads the
     * references its log holds (and knows them when compacting it).
     */
    private static KvStore raw(Path at, String engine) {
        return KvStore.open(at, options(engine).store(), engine.equals("lsm")
            ? java.util.function.UnaryOperator.identity() : io.concordkv.txn.internal.VersionedEngine::new);
    }
}
