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
        return new VersionRecord(false, 1, rev, 1, 0, 0, rev + 1, Bytes.EMPTY);
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
            log.removeRange(0, cut, (k, v) -> dropped.add(k));
            for (int i = 0; i < cut; i++) {
                assertThat(dropped.get(i)).isEqualTo(model.pollFirstEntry().getKey());
            }
            assertSame(log, model, "round " + round);
        }
    }

    @Test
    void insertsAndRemovalsAnywhereKeepTheOrder() {
        long seed = Long.getLong("concordkv.txn.seed", System.nanoTime());
        System.out.println("HistoryLogTest seed=" + seed);
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
                int to = from + r.nextInt(log.size() - from + 1);
                List<Bytes> keys = new ArrayList<>(model.keySet());
                log.removeRange(from, to, null);
                keys.subList(from, to).forEach(model::remove);
            }
            assertThat(log.get(key)).as(as).isEqualTo(model.get(key));
            assertThat(log.ceiling(key)).as(as).isEqualTo(model.headMap(key, false).size());
            if (step % 500 == 0) {
                assertSame(log, model, as);
            }
        }
        assertSame(log, model, "seed " + seed);
    }
}
