package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.EngineConfig;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngines;
import io.concordkv.storage.StoreOptions;
import io.concordkv.storage.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine of version objects behaves, through the byte interface the store's log, snapshots,
 * recovery and images use, exactly as an engine holding the encoded records: checked against a
 * sorted map on random batches of puts, deletes and range deletes over every namespace of the
 * MVCC layout, with random scans (limits, both directions, ranges across namespaces). The object
 * paths of the commits ({@code commitPut}, {@code write} of a version) must leave the records a
 * batch of the new version and the replaced one, marked replaced, would.
 */
class VersionedEngineTest {

    private static VersionedEngine open(String engine) {
        return new VersionedEngine(StorageEngines.open(EngineConfig.of(engine)));
    }

    /** Revisions of history keys: few, so keys meet, and of one to four varint bytes, so sizes differ. */
    private static final long[] REVISIONS = {1, 2, 3, 5, 8, 12, 130, 131, 20_000, 3_000_000};

    private static long randomRevision(SplittableRandom r) {
        return REVISIONS[r.nextInt(REVISIONS.length)];
    }

    private static Bytes randomKey(SplittableRandom r) {
        byte[] user = {(byte) ('a' + r.nextInt(6))};
        return switch (r.nextInt(4)) {
            case 0, 1 -> MvccKeys.latest(Bytes.wrap(user));
            case 2 -> MvccKeys.history(randomRevision(r), Bytes.wrap(user));
            default -> r.nextBoolean() ? MvccKeys.system(Bytes.wrap(user)) : MvccKeys.META_REVISION;
        };
    }

    private static boolean isVersionKey(Bytes key) {
        return key.byteAt(0) == 'k' || key.byteAt(0) == 'h';
    }

    /**
     * The bytes the engine counts for {@code value} under {@code key}: a version's counted size (its
     * encoded size or a few bytes more), a latest one's as not replaced; any other value's length.
     */
    private static long counted(Bytes key, Bytes value) {
        if (!isVersionKey(key)) {
            return value.length();
        }
        VersionRecord v = VersionRecord.decode(value);
        return v.countedSize(key.byteAt(0) == 'k' ? 0 : v.supersededAt());
    }

    private static Bytes randomValue(SplittableRandom r, Bytes key) {
        if (!isVersionKey(key)) {
            return Bytes.utf8("v" + r.nextInt(100));
        }
        long mod = 1 + r.nextInt(1000);
        VersionRecord v = r.nextInt(5) == 0
            ? VersionRecord.of(true, 0, mod, 0, 0, r.nextInt(3), r.nextInt(2) * (mod + 1), Bytes.EMPTY)
            : VersionRecord.of(false, 1 + r.nextInt((int) mod), mod, 1 + r.nextInt(9), r.nextInt(3),
                r.nextInt(3) * 7L, r.nextInt(2) * (mod + 1), Bytes.utf8("x".repeat(r.nextInt(40))));
        return v.encode();
    }

    private static Bytes randomBound(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> Bytes.wrap(new byte[] {(byte) ('a' + r.nextInt(20))});
            // history compaction's bounds: the first revision, and a bare revision
            case 1 -> r.nextBoolean() ? MvccKeys.historyRange(0, 1).start()
                : MvccKeys.historyRange(0, randomRevision(r)).end().orElseThrow();
            default -> randomKey(r);
        };
    }

    private static ScanRange randomRange(SplittableRandom r) {
        Bytes a = randomBound(r);
        Bytes b = randomBound(r);
        Bytes from = a.compareTo(b) <= 0 ? a : b;
        Bytes to = a.compareTo(b) <= 0 ? b : a;
        ScanRange range = switch (r.nextInt(4)) {
            case 0 -> ScanRange.all();
            case 1 -> ScanRange.from(from);
            default -> ScanRange.between(from, to);
        };
        range = range.withLimit(r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(8));
        return r.nextBoolean() ? range.reversed() : range;
    }

    private static List<KeyValue> modelScan(NavigableMap<Bytes, Bytes> model, ScanRange range) {
        NavigableMap<Bytes, Bytes> part = range.end().map(e -> model.subMap(range.start(), true, e, false))
            .orElse(model.tailMap(range.start(), true));
        List<KeyValue> out = new ArrayList<>();
        for (Map.Entry<Bytes, Bytes> e : (range.isReverse() ? part.descendingMap() : part).entrySet()) {
            if (range.limit() > 0 && out.size() == range.limit()) {
                break;
            }
            out.add(new KeyValue(e.getKey(), e.getValue()));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rbtree", "hash", "array"})
    void actsAsAnEngineOfTheEncodedRecords(String engine) {
        long seed = Long.getLong("concordkv.txn.seed", System.nanoTime());
        System.out.println("VersionedEngineTest " + engine + " seed=" + seed);
        SplittableRandom r = new SplittableRandom(seed);
        NavigableMap<Bytes, Bytes> model = new TreeMap<>();
        try (VersionedEngine e = open(engine)) {
            for (int step = 0; step < 3_000; step++) {
                if (r.nextInt(4) == 0) {
                    commitOnTheObjectPath(e, model, r, "seed " + seed + " step " + step);
                    continue;
                }
                WriteBatch.Builder batch = WriteBatch.builder();
                List<WriteBatch.Op> ops = new ArrayList<>();
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    Bytes key = randomKey(r);
                    int kind = r.nextInt(10);
                    if (kind < 6) {
                        Bytes value = randomValue(r, key);
                        batch.put(key, value);
                        ops.add(new WriteBatch.Put(key, value));
                    } else if (kind < 9) {
                        batch.delete(key);
                        ops.add(new WriteBatch.Delete(key));
                    } else {
                        ScanRange range = randomRange(r);
                        Bytes to = range.end().orElse(Bytes.wrap(new byte[] {(byte) 0xFF}));
                        // engines refuse an empty key, a range's start included
                        if (!range.start().isEmpty() && range.start().compareTo(to) < 0) {
                            batch.deleteRange(range.start(), to);
                            ops.add(new WriteBatch.DeleteRange(range.start(), to));
                        }
                    }
                }
                e.write(batch.build());
                for (WriteBatch.Op op : ops) {
                    if (op instanceof WriteBatch.Put p) {
                        model.put(p.key(), p.value());
                    } else if (op instanceof WriteBatch.Delete d) {
                        model.remove(d.key());
                    } else {
                        WriteBatch.DeleteRange d = (WriteBatch.DeleteRange) op;
                        model.subMap(d.from(), true, d.to(), false).clear();
                    }
                }
                Bytes probe = randomKey(r);
                assertThat(e.get(probe)).as("seed %d step %d get %s", seed, step, probe)
                    .isEqualTo(Optional.ofNullable(model.get(probe)));
                ScanRange range = randomRange(r);
                assertThat(e.scan(range)).as("seed %d step %d scan %s", seed, step, range)
                    .containsExactlyElementsOf(modelScan(model, range));
            }
            assertThat(e.scan(ScanRange.all())).containsExactlyElementsOf(modelScan(model, ScanRange.all()));
            long bytes = model.entrySet().stream().mapToLong(x -> x.getKey().length() + counted(x.getKey(), x.getValue()))
                .sum();
            assertThat(e.stats().keyCount()).as("seed %d", seed).isEqualTo(model.size());
            assertThat(e.stats().dataBytes()).as("seed %d", seed).isEqualTo(bytes);
        }
    }

    /**
     * A put at a random revision through {@code commitPut} or {@code write}, and what it must do to
     * the records: the replaced version (if any) under its history key at that revision, marked
     * replaced there, and the new version under its {@code 'k'} key.
     */
    private static void commitOnTheObjectPath(VersionedEngine e, NavigableMap<Bytes, Bytes> model, SplittableRandom r,
                                              String as) {
        Bytes user = Bytes.wrap(new byte[] {(byte) ('a' + r.nextInt(6))});
        long revision = randomRevision(r);
        Bytes value = Bytes.utf8("o".repeat(r.nextInt(30)));
        long lease = r.nextInt(3);
        Bytes stored = model.get(MvccKeys.latest(user));
        VersionRecord old = stored == null ? null : VersionRecord.decode(stored);
        VersionRecord next = VersionRecord.put(revision, value, lease, old);
        if (r.nextBoolean()) {
            assertThat(e.commitPut(user, revision, value, lease)).as(as).isEqualTo(old);
        } else {
            e.write(user, next, revision, e.latest(user));
        }
        if (old != null) {
            model.put(MvccKeys.history(revision, user), old.supersededBy(revision).encode());
        }
        model.put(MvccKeys.latest(user), next.encode());
        assertThat(e.latest(user)).as(as).isEqualTo(next);
    }

    @Test
    void theObjectPathAndTheBytePathSeeTheSameVersions() {
        try (VersionedEngine e = open("rbtree")) {
            Bytes key = Bytes.utf8("key");
            VersionRecord first = VersionRecord.put(2, Bytes.utf8("one"), 0, null);
            e.write(key, first, 2, null);
            VersionRecord second = VersionRecord.put(3, Bytes.utf8("two"), 0, first);
            Bytes historyKey = MvccKeys.history(3, key);
            e.write(key, second, 3, first);
            assertThat(e.get(MvccKeys.latest(key))).contains(second.encode());
            assertThat(e.get(historyKey)).contains(first.supersededBy(3).encode());
            assertThat(e.scan(ScanRange.all())).extracting(KeyValue::key).containsExactly(historyKey, MvccKeys.latest(key));
            assertThat(e.latest(key)).as("the very object written: no copy").isSameAs(second);
            assertThat(e.commitPut(key, 4, Bytes.utf8("three"), 0)).as("the replaced version").isSameAs(second);
            assertThat(e.history(MvccKeys.history(4, key))).as("filed as it was latest: no copy").isSameAs(second);
            assertThat(e.get(MvccKeys.history(4, key))).contains(second.supersededBy(4).encode());
            assertThat(e.latest(key)).isEqualTo(VersionRecord.put(4, Bytes.utf8("three"), 0, second));
            e.write(WriteBatch.builder().delete(MvccKeys.history(4, key)).build());
            e.write(WriteBatch.builder().put(MvccKeys.latest(key), first.encode()).build());
            assertThat(e.latest(key)).isEqualTo(first);
            e.write(WriteBatch.builder().delete(MvccKeys.latest(key)).delete(historyKey).build());
            assertThat(e.latest(key)).isNull();
            assertThat(e.history(historyKey)).isNull();
            assertThat(e.scan(ScanRange.all())).isEmpty();
        }
    }

    /**
     * History compaction counts and cuts what the engine holds: {@code filedThrough} sees only the
     * versions filed in history (those left unfiled follow them and are dropped on their own),
     * counts the ones replaced at or before the point, and names the revision of every n-th of
     * them below it, once per revision (a transaction files several keys at one revision).
     */
    @ParameterizedTest
    @ValueSource(strings = {"rbtree", "hash"})
    void filedThroughCountsAndCutsTheFiledVersionsOnly(String engine) {
        try (VersionedEngine e = open(engine)) {
            Bytes[] keys = {Bytes.utf8("a"), Bytes.utf8("b"), Bytes.utf8("c")};
            for (int k = 0; k < keys.length; k++) {
                e.write(keys[k], VersionRecord.put(1, Bytes.utf8("v"), 0, null), 1, null);
            }
            List<Long> filed = new ArrayList<>();
            // revisions 2-40: one key each, through commitPut (left unfiled)
            for (long rev = 2; rev <= 40; rev++) {
                e.commitPut(keys[(int) (rev % 3)], rev, Bytes.utf8("v" + rev), 0);
                filed.add(rev);
            }
            // revisions 41-50: a transaction's three keys each, filed at once
            for (long rev = 41; rev <= 50; rev++) {
                for (Bytes key : keys) {
                    VersionRecord old = e.latest(key);
                    e.write(key, VersionRecord.put(rev, Bytes.utf8("t" + rev), 0, old), rev, old);
                    filed.add(rev);
                }
            }
            // a read of history files what commits left unfiled; later puts stay unfiled
            assertThat(e.history(MvccKeys.history(2, keys[2]))).isNotNull();
            for (long rev = 51; rev <= 60; rev++) {
                e.commitPut(keys[0], rev, Bytes.utf8("v" + rev), 0);
            }

            HistoryLog.Through all = e.filedThrough(60, 4);
            assertThat(all.versions()).as("filed: 39 puts and 30 transaction writes; 51-60 unfiled")
                .isEqualTo(filed.size());
            List<Long> expected = new ArrayList<>();
            for (int i = 3; i < filed.size(); i += 4) {
                if (filed.get(i) < 60 && (expected.isEmpty() || !expected.get(expected.size() - 1).equals(filed.get(i)))) {
                    expected.add(filed.get(i));
                }
            }
            assertThat(all.cuts()).as("every 4th filed version's revision, once each").containsExactly(
                expected.stream().mapToLong(Long::longValue).toArray());
            assertThat(expected).as("a cut for 41-50 more than once would show as a repeat").doesNotHaveDuplicates()
                .contains(41L, 50L);

            HistoryLog.Through some = e.filedThrough(44, 4);
            assertThat(some.versions()).as("39 puts and four revisions of three").isEqualTo(39 + 12);
            assertThat(some.cuts()).as("the same cuts, below the point only")
                .containsExactly(expected.stream().mapToLong(Long::longValue).filter(r -> r < 44).toArray());
            assertThat(e.filedThrough(1, 4).versions()).as("nothing replaced at the first revision").isZero();
            assertThat(e.dropUnfiledBefore(56)).as("unfiled, replaced at 51-55").isEqualTo(5);
        }
    }

    /**
     * The versions a commit's put replaces wait unfiled until something reads or changes history:
     * history compaction's range (from the first revision to a bare revision) drops those below it
     * without filing them, and what remains reads back, by key and by scan, as the very objects
     * replaced, with the byte figures an engine of the encoded records gives.
     */
    @ParameterizedTest
    @ValueSource(strings = {"rbtree", "hash"})
    void versionsAPutLeftUnfiledAreDroppedByCompactionOrReadAsFiled(String engine) {
        Bytes a = Bytes.utf8("a");
        Bytes b = Bytes.utf8("b");
        try (VersionedEngine e = open(engine)) {
            VersionRecord a1 = VersionRecord.put(1, Bytes.utf8("a1"), 0, null);
            e.write(a, a1, 1, null);
            VersionRecord b2 = VersionRecord.put(2, Bytes.utf8("b2"), 0, null);
            e.write(b, b2, 2, null);
            List<VersionRecord> replaced = new ArrayList<>();
            for (long rev = 3; rev <= 10; rev++) {
                Bytes key = rev % 2 == 0 ? b : a;
                replaced.add(e.commitPut(key, rev, Bytes.utf8("v" + rev), 0));
            }
            // compaction's cut to revision 4 of what is unfiled, without the engine's lock
            e.dropUnfiledBefore(5);
            assertThat(e.stats().keyCount()).as("six versions replaced at 5-10 and two latest").isEqualTo(8);
            // what compaction to revision 6 deletes: every version replaced at revision 6 or before
            ScanRange cut = MvccKeys.historyRange(0, 7);
            e.write(WriteBatch.builder().deleteRange(cut.start(), cut.end().orElseThrow()).build());
            io.concordkv.storage.EngineStats before = e.stats();
            assertThat(e.history(MvccKeys.history(6, b))).as("dropped").isNull();
            assertThat(e.history(MvccKeys.history(7, a))).as("the object replaced at 7, filed as it was")
                .isSameAs(replaced.get(4));
            assertThat(e.history(MvccKeys.history(10, b))).isSameAs(replaced.get(7));
            List<KeyValue> all = e.scan(ScanRange.all());
            assertThat(all).extracting(KeyValue::key).containsExactly(MvccKeys.history(7, a), MvccKeys.history(8, b),
                MvccKeys.history(9, a), MvccKeys.history(10, b), MvccKeys.latest(a), MvccKeys.latest(b));
            assertThat(e.get(MvccKeys.history(8, b))).contains(replaced.get(5).supersededBy(8).encode());
            try (VersionedEngine bytes = open(engine)) {
                WriteBatch.Builder copy = WriteBatch.builder();
                all.forEach(kv -> copy.put(kv.key(), kv.value()));
                bytes.write(copy.build());
                assertThat(before).as("figures counted while unfiled").isEqualTo(bytes.stats());
                assertThat(e.stats()).as("and once filed").isEqualTo(bytes.stats());
            }
        }
    }

    /**
     * A commit submitted with the versions its batch encodes: under the policies whose store applies
     * the batch at once, the engine files those very objects; under {@code always} (applied by the
     * group commit) it decodes the bytes. Either way the records read back, the byte figures and,
     * after a reopen that replays the log, the versions are those of the batch.
     */
    @ParameterizedTest
    @ValueSource(strings = {"NEVER", "BATCH", "ALWAYS"})
    void aSubmittedCommitIsFiledFromItsObjectsAndLoggedAsItsRecords(String fsync, @TempDir Path dir) {
        StoreOptions options = StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.valueOf(fsync));
        Bytes key = Bytes.utf8("key");
        Bytes other = Bytes.utf8("other");
        VersionRecord first = VersionRecord.put(2, Bytes.utf8("one"), 0, null);
        VersionRecord second = VersionRecord.put(3, Bytes.utf8("two"), 7, first);
        VersionRecord third = VersionRecord.put(3, Bytes.utf8("three"), 0, null);
        Bytes historyKey = MvccKeys.history(3, key);
        VersionedEngine[] engine = new VersionedEngine[1];
        long dataBytes;
        try (KvStore store = KvStore.open(dir, options, inner -> engine[0] = new VersionedEngine(inner))) {
            VersionedEngine e = engine[0];
            e.submit(store, WriteBatch.builder().put(MvccKeys.latest(key), first.encode()).build(), 2,
                List.of(new VersionedEngine.Change(key, first, null))).await();
            e.submit(store, WriteBatch.builder().put(historyKey, first.encode(3)).put(MvccKeys.latest(key), second.encode())
                    .put(MvccKeys.latest(other), third.encode()).build(), 3,
                List.of(new VersionedEngine.Change(key, second, first), new VersionedEngine.Change(other, third, null)))
                .await();
            if (options.fsync() == FsyncPolicy.ALWAYS) {
                assertThat(e.latest(key)).as("decoded from the batch").isEqualTo(second).isNotSameAs(second);
            } else {
                assertThat(e.latest(key)).as("the object submitted, not a decoded copy").isSameAs(second);
                assertThat(e.history(historyKey)).as("the replaced object, as it was").isSameAs(first);
                assertThat(e.latest(other)).isSameAs(third);
            }
            assertThat(e.get(MvccKeys.latest(key))).contains(second.encode());
            assertThat(e.get(historyKey)).contains(first.supersededBy(3).encode());
            assertThat(e.scan(ScanRange.all())).extracting(KeyValue::key)
                .containsExactly(historyKey, MvccKeys.latest(key), MvccKeys.latest(other));
            dataBytes = e.stats().dataBytes();
            try (VersionedEngine bytePath = open("rbtree")) {
                bytePath.write(WriteBatch.builder().put(historyKey, first.encode(3)).put(MvccKeys.latest(key), second.encode())
                    .put(MvccKeys.latest(other), third.encode()).build());
                assertThat(dataBytes).as("byte figures as the records'").isEqualTo(bytePath.stats().dataBytes());
            }
        }
        try (KvStore store = KvStore.open(dir, options, inner -> engine[0] = new VersionedEngine(inner))) {
            VersionedEngine e = engine[0];
            assertThat(e.latest(key)).as("replayed from the log").isEqualTo(second);
            assertThat(e.latest(other)).isEqualTo(third);
            assertThat(e.history(historyKey)).isEqualTo(first.supersededBy(3));
            assertThat(e.stats().dataBytes()).isEqualTo(dataBytes);
        }
    }

    @Test
    void aBatchWithARecordThatDoesNotDecodeChangesNothing() {
        try (VersionedEngine e = open("hash")) {
            Bytes good = MvccKeys.latest(Bytes.utf8("a"));
            e.put(good, VersionRecord.put(2, Bytes.utf8("v"), 0, null).encode());
            WriteBatch bad = WriteBatch.builder().delete(good).put(MvccKeys.system(Bytes.utf8("s")), Bytes.utf8("x"))
                .put(MvccKeys.latest(Bytes.utf8("b")), Bytes.wrap(new byte[] {0, (byte) 0x80})).build();
            assertThatThrownBy(() -> e.write(bad)).isInstanceOfSatisfying(KvException.class,
                k -> assertThat(k.code()).isEqualTo(ErrorCode.CORRUPTION));
            assertThat(e.scan(ScanRange.all())).extracting(KeyValue::key).containsExactly(good);
        }
    }

    /**
     * A reference under a history key (what a log holds in place of the version it files) files
     * the key's latest version, which must be the one it names, before or within its batch: the
     * engine then holds exactly what the full record would have put there. A reference to
     * anything else is {@code CORRUPTION}, and its batch changes nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"rbtree", "hash"})
    void aReferenceFilesTheLatestVersionItNamesAndNothingElse(String engine) {
        Bytes a = Bytes.utf8("a");
        Bytes b = Bytes.utf8("b");
        try (VersionedEngine e = open(engine); VersionedEngine full = open(engine)) {
            VersionRecord a2 = VersionRecord.put(2, Bytes.utf8("one"), 0, null);
            VersionRecord a3 = VersionRecord.put(3, Bytes.utf8("two"), 0, a2);
            for (VersionedEngine x : List.of(e, full)) {
                x.write(WriteBatch.builder().put(MvccKeys.latest(a), a2.encode()).build());
            }
            e.write(WriteBatch.builder().put(MvccKeys.history(3, a), VersionRecord.reference(2))
                .put(MvccKeys.latest(a), a3.encode()).build());
            full.write(WriteBatch.builder().put(MvccKeys.history(3, a), a2.encode(3))
                .put(MvccKeys.latest(a), a3.encode()).build());
            assertThat(e.scan(ScanRange.all())).as("as the full record").isEqualTo(full.scan(ScanRange.all()));
            assertThat(e.stats().dataBytes()).isEqualTo(full.stats().dataBytes());

            VersionRecord b4 = VersionRecord.put(4, Bytes.utf8("x"), 0, null);
            VersionRecord b5 = VersionRecord.put(5, Bytes.utf8("y"), 0, b4);
            e.write(WriteBatch.builder().put(MvccKeys.latest(b), b4.encode())
                .put(MvccKeys.history(5, b), VersionRecord.reference(4)).put(MvccKeys.latest(b), b5.encode()).build());
            assertThat(e.get(MvccKeys.history(5, b))).as("a version put earlier in the batch")
                .contains(b4.supersededBy(5).encode());

            List<KeyValue> before = e.scan(ScanRange.all());
            VersionRecord c6 = VersionRecord.put(6, Bytes.utf8("z"), 0, null);
            List<WriteBatch> bad = List.of(
                // a's latest version is of revision 3
                WriteBatch.builder().put(MvccKeys.latest(Bytes.utf8("c")), c6.encode())
                    .put(MvccKeys.history(6, a), VersionRecord.reference(2)).build(),
                WriteBatch.builder().put(MvccKeys.history(6, Bytes.utf8("none")), VersionRecord.reference(1)).build(),
                WriteBatch.builder().delete(MvccKeys.latest(a)).put(MvccKeys.history(6, a), VersionRecord.reference(3))
                    .build(),
                WriteBatch.builder().deleteRange(MvccKeys.latest(a), MvccKeys.latest(Bytes.utf8("a0")))
                    .put(MvccKeys.history(6, a), VersionRecord.reference(3)).build(),
                WriteBatch.builder().put(MvccKeys.history(6, a), Bytes.wrap(new byte[] {2, (byte) 0x83})).build());
            for (WriteBatch batch : bad) {
                assertThatThrownBy(() -> e.write(batch)).as(batch.toString()).isInstanceOfSatisfying(KvException.class,
                    k -> assertThat(k.code()).isEqualTo(ErrorCode.CORRUPTION));
                assertThat(e.scan(ScanRange.all())).as("nothing applied").isEqualTo(before);
            }
        }
    }

    @Test
    void aReferenceDependsOnItsKeysLatestRecordAndNothingElseDepends() {
        io.concordkv.storage.LogDependencies dependencies;
        try (VersionedEngine e = open("hash")) {
            dependencies = e.logDependencies();
        }
        Bytes user = Bytes.utf8("user-key");
        Bytes reference = VersionRecord.reference(300);
        Bytes record = VersionRecord.put(3, Bytes.utf8("v"), 0, null).encode(300);
        assertThat(on(dependencies, MvccKeys.history(300, user), reference)).isEqualTo(MvccKeys.latest(user));
        assertThat(on(dependencies, MvccKeys.history(300, user), record)).as("a full record stands alone").isNull();
        assertThat(on(dependencies, MvccKeys.latest(user), reference)).as("only under a history key").isNull();
        assertThat(on(dependencies, MvccKeys.system(user), Bytes.EMPTY)).isNull();
    }

    /** What {@code dependencies} says of a put of {@code value} to {@code key}, framed in a larger payload. */
    private static Bytes on(io.concordkv.storage.LogDependencies dependencies, Bytes key, Bytes value) {
        byte[] payload = new byte[3 + key.length() + value.length()];
        System.arraycopy(key.unsafeArray(), 0, payload, 2, key.length());
        System.arraycopy(value.unsafeArray(), 0, payload, 3 + key.length(), value.length());
        byte[] target = dependencies.dependency(payload, 2, key.length(), 3 + key.length(), value.length());
        return target == null ? null : Bytes.wrap(target);
    }
}
