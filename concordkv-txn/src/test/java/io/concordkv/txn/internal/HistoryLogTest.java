package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The circular sorted array of history versions against a sorted map: appends, removals from the
 * start (a commit stream and its compaction, wrapping around the array many times), and inserts
 * and removals anywhere, through growth and shrinking.
 */
class HistoryLogTest {

    private static VersionRecord version(long rev) {
        return VersionRecord.of(false, 1, rev, 1, 0, 0, rev + 1, Bytes.EMPTY);
    }

    /** The seed of a randomised test: {@code -Dconcordkv.txn.seed} or the clock, printed to replay it. */
    private static long seed(String test) {
        long seed = Long.getLong("concordkv.txn.seed", System.nanoTime());
        System.out.println("HistoryLogTest " + test + " seed=" + seed);
        return seed;
    }

    /** Removes the entries at indexes {@code [from, to)} from the log and the model alike. */
    private static void removeRange(HistoryLog log, TreeMap<Bytes, VersionRecord> model, int from, int to) {
        List<Bytes> keys = new ArrayList<>(model.keySet());
        log.removeRange(from, to);
        keys.subList(from, to).forEach(model::remove);
    }

    private static void assertSame(HistoryLog log, TreeMap<Bytes, VersionRecord> model, String as) {
        assertThat(log.size()).as(as).isEqualTo(model.size());
        List<Map.Entry<Bytes, VersionRecord>> got = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            got.add(Map.entry(log.keyAt(i), log.valueAt(i)));
        }
        assertThat(got).as(as).containsExactlyElementsOf(new ArrayList<>(model.entrySet()));
    }

    @Test
    void aCommitStreamAndItsCompactionWrapAroundTheArray() {
        HistoryLog log = new HistoryLog();
        TreeMap<Bytes, VersionRecord> model = new TreeMap<>();
        long rev = 1;
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 37; i++, rev++) {
                Bytes key = MvccKeys.history(rev, Bytes.utf8("k" + (i % 5)));
                assertThat(log.put(key, version(rev))).isNull();
                model.put(key, version(rev));
            }
            // compaction drops everything replaced up to about 30 revisions ago
            int keep = 30;
            int cut = Math.max(0, log.size() - keep);
            List<Bytes> dropped = new ArrayList<>();
            for (int i = 0; i < cut; i++) {
                dropped.add(log.keyAt(i));
            }
            log.removeRange(0, cut);
            for (int i = 0; i < cut; i++) {
                assertThat(dropped.get(i)).isEqualTo(model.pollFirstEntry().getKey());
            }
            assertSame(log, model, "round " + round);
        }
    }

    /**
     * A version filed as it is by a commit ({@code add}) reads back as the record a store of bytes
     * would hold (the version marked replaced at the revision), and every entry counts the bytes of
     * its history key and record, through overwrites and removals.
     */
    @Test
    void versionsFiledAsTheyAreReadAsMarkedReplacedAndCountTheirBytes() {
        HistoryLog log = new HistoryLog();
        TreeMap<Bytes, Bytes> model = new TreeMap<>();
        long[] revisions = {3, 200, 70_000, 200, 9_000_000_000L, 3};
        for (int i = 0; i < revisions.length; i++) {
            long rev = revisions[i];
            Bytes user = Bytes.utf8("user-" + (i % 4));
            VersionRecord latest = VersionRecord.of(false, 1, 2, 1, 0, 0, 0, Bytes.utf8("v".repeat(i * 7)));
            Bytes key = MvccKeys.history(rev, user);
            VersionRecord before = log.get(key);
            assertThat(log.add(rev, user, latest)).isEqualTo(before);
            assertThat(log.valueAt(log.find(rev, user))).as("the very object, no copy").isSameAs(latest);
            model.put(key, latest.supersededBy(rev).encode());
            // and one filed through the byte interface, whose record names a revision of its own
            Bytes other = MvccKeys.history(rev + 1, user);
            VersionRecord stored = VersionRecord.of(false, 1, 2, 1, 0, 0, 777_777, Bytes.utf8("w"));
            log.put(other, stored);
            model.put(other, stored.encode());
            assertBytes(log, model);
        }
        log.remove(MvccKeys.history(200, Bytes.utf8("user-1")));
        model.remove(MvccKeys.history(200, Bytes.utf8("user-1")));
        assertBytes(log, model);
        log.removeRange(1, 4);
        List<Bytes> keys = new ArrayList<>(model.keySet());
        keys.subList(1, 4).forEach(model::remove);
        assertBytes(log, model);
    }

    private static void assertBytes(HistoryLog log, TreeMap<Bytes, Bytes> model) {
        List<Map.Entry<Bytes, Bytes>> got = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            got.add(Map.entry(log.keyAt(i), log.encodedAt(i)));
        }
        assertThat(got).containsExactlyElementsOf(new ArrayList<>(model.entrySet()));
        assertThat(log.bytes()).isEqualTo(model.entrySet().stream()
            .mapToLong(e -> e.getKey().length() + e.getValue().length()).sum());
    }

    /**
     * History of thousands of entries, as a store under load holds: appends in runs (measured and
     * unmeasured), inserts in the middle, cuts from the start and removals anywhere, through the
     * array's wrapping, growth and shrinking, keep the order and contents.
     */
    @Test
    void aLongHistoryKeepsItsOrderThroughWrapsGrowthAndShrinking() {
        long seed = seed("long");
        SplittableRandom r = new SplittableRandom(seed);
        HistoryLog log = new HistoryLog();
        TreeMap<Bytes, VersionRecord> model = new TreeMap<>();
        long rev = 1;
        for (int step = 0; step < 300; step++) {
            String as = "seed " + seed + " step " + step;
            int run = 1 + r.nextInt(900);
            for (int i = 0; i < run; i++, rev++) {
                Bytes user = Bytes.utf8("k" + r.nextInt(50));
                if (r.nextBoolean()) {
                    assertThat(log.add(rev, user, version(rev))).as(as).isNull();
                } else {
                    assertThat(log.addUnmeasured(rev, user, user.length(), version(rev))).as(as).isTrue();
                }
                model.put(MvccKeys.history(rev, user), version(rev));
            }
            int op = r.nextInt(4);
            if (op == 0 && !model.isEmpty()) {
                // a key within history's revisions: put in place, moving one side
                long at = model.firstKey().equals(model.lastKey()) ? rev - 1
                    : MvccKeys.revisionOfHistory(model.firstKey()) + r.nextInt((int) (rev - MvccKeys.revisionOfHistory(model.firstKey())));
                Bytes key = MvccKeys.history(at, Bytes.utf8("m" + r.nextInt(1000)));
                assertThat(log.put(key, version(at))).as(as).isEqualTo(model.put(key, version(at)));
            } else if (op == 1) {
                removeRange(log, model, 0, r.nextInt(log.size() + 1));
            } else if (op == 2) {
                int from = r.nextInt(log.size() + 1);
                removeRange(log, model, from, from + r.nextInt(Math.min(log.size() - from, 50) + 1));
            }
            if (model.size() > 6000) {
                removeRange(log, model, 0, model.size() - 1000);
            }
            assertSame(log, model, as);
        }
    }

    @Test
    void insertsAndRemovalsAnywhereKeepTheOrder() {
        long seed = seed("anywhere");
        SplittableRandom r = new SplittableRandom(seed);
        HistoryLog log = new HistoryLog();
        TreeMap<Bytes, VersionRecord> model = new TreeMap<>();
        for (int step = 0; step < 20_000; step++) {
            Bytes key = MvccKeys.history(r.nextInt(400), Bytes.utf8("k" + r.nextInt(3)));
            int op = r.nextInt(10);
            String as = "seed " + seed + " step " + step;
            if (op < 6) {
                VersionRecord v = version(step);
                assertThat(log.put(key, v)).as(as).isEqualTo(model.put(key, v));
            } else if (op < 9) {
                assertThat(log.remove(key)).as(as).isEqualTo(model.remove(key));
            } else {
                int from = r.nextInt(log.size() + 1);
                removeRange(log, model, from, from + r.nextInt(log.size() - from + 1));
            }
            assertThat(log.get(key)).as(as).isEqualTo(model.get(key));
            assertThat(log.ceiling(key)).as(as).isEqualTo(model.headMap(key, false).size());
            if (step % 500 == 0) {
                assertSame(log, model, as);
            }
        }
        assertSame(log, model, "seed " + seed);
    }

    /**
     * An entry filed unmeasured counts its history key alone; whatever removes or replaces it
     * measures its record then and hands that over ({@code takeReleased}), once.
     */
    @Test
    void anUnmeasuredEntryCountsItsKeyAndReleasesItsRecordWhenItGoes() {
        HistoryLog log = new HistoryLog();
        Bytes user = Bytes.utf8("user");
        int key = MvccKeys.history(1, user).length();
        VersionRecord a = VersionRecord.put(1, Bytes.utf8("value-a"), 0, null);
        VersionRecord b = VersionRecord.put(2, Bytes.utf8("value-bb"), 0, a);

        assertThat(log.addUnmeasured(2, user, user.length(), a)).isTrue();
        assertThat(log.bytes()).isEqualTo(key);
        assertThat(log.addUnmeasured(2, user, user.length(), a)).as("not past the last").isFalse();
        assertThat(log.addUnmeasured(3, user, user.length(), b)).isTrue();
        assertThat(log.bytes()).isEqualTo(2L * key);
        assertThat(log.encodedAt(0)).as("the record, marked replaced, made when asked")
            .isEqualTo(a.encode(2));

        log.put(MvccKeys.history(3, user), b.supersededBy(3));
        assertThat(log.takeReleased()).as("replaced by a measured entry").isEqualTo(b.countedSize(3));
        assertThat(log.bytes()).isEqualTo(2L * key + b.countedSize(3));

        log.removeRange(0, 2);
        assertThat(log.takeReleased()).as("removed").isEqualTo(a.countedSize(2));
        assertThat(log.takeReleased()).as("handed over once").isZero();
        assertThat(log.bytes()).isZero();
    }
}
