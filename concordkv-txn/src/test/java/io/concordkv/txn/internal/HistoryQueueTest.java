package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue of droppable history: prefixes by revision, across its chunks, with an appender and a taker at once. */
class HistoryQueueTest {

    private static HistoryQueue.Entry entry(long revision, int i) {
        return new HistoryQueue.Entry(revision, Bytes.utf8("k" + i), i % 7 == 0);
    }

    /**
     * Asserts that {@code t} is what a take to {@code revision} of {@code expected} (in order)
     * gives: its old versions counted, every {@code cutEvery}-th below {@code revision} a cut, its
     * tombstones listed.
     */
    private static void assertTaken(HistoryQueue.Taken t, List<HistoryQueue.Entry> expected, long revision, int cutEvery) {
        List<HistoryQueue.Entry> tombstones = new ArrayList<>();
        List<Long> cuts = new ArrayList<>();
        long versions = 0;
        for (HistoryQueue.Entry e : expected) {
            if (e.tombstone()) {
                tombstones.add(e);
            } else if (++versions % cutEvery == 0 && e.revision() < revision) {
                cuts.add(e.revision());
            }
        }
        assertThat(t.versions()).isEqualTo(versions);
        assertThat(t.tombstones()).containsExactlyElementsOf(tombstones);
        assertThat(t.cuts()).containsExactly(cuts.stream().mapToLong(Long::longValue).toArray());
    }

    @Test
    void cutsEveryNthOldVersionBelowTheRevisionAndCountsThemAll() {
        HistoryQueue q = new HistoryQueue();
        for (int i = 1; i <= 10; i++) {
            q.addReplaced(i);
        }
        q.add(new HistoryQueue.Entry(11, Bytes.utf8("gone"), true));
        HistoryQueue.Taken t = q.takeUpTo(9, 3);
        assertThat(t.versions()).isEqualTo(9);
        assertThat(t.cuts()).as("not at 9: the compaction's own cut takes it").containsExactly(3L, 6L);
        assertThat(t.tombstones()).isEmpty();
        t = q.takeUpTo(11, 3);
        assertThat(t.versions()).isEqualTo(1);
        assertThat(t.cuts()).isEmpty();
        assertThat(t.tombstones()).containsExactly(new HistoryQueue.Entry(11, Bytes.utf8("gone"), true));
    }

    @Test
    void takesExactlyThePrefixAtOrBelowTheRevisionAcrossChunks() {
        HistoryQueue q = new HistoryQueue();
        List<HistoryQueue.Entry> added = new ArrayList<>();
        // three entries per revision, 5,000 entries in all: several chunks
        for (int i = 0; i < 5_000; i++) {
            HistoryQueue.Entry e = entry(1 + i / 3, i);
            added.add(e);
            q.add(e);
        }
        assertTaken(q.takeUpTo(0, 100), List.of(), 0, 100);
        assertTaken(q.takeUpTo(400, 100), added.subList(0, 1_200), 400, 100);
        assertTaken(q.takeUpTo(400, 100), List.of(), 400, 100);
        assertTaken(q.takeUpTo(1_400, 100), added.subList(1_200, 4_200), 1_400, 100);
        assertTaken(q.takeUpTo(Long.MAX_VALUE, 100), added.subList(4_200, 5_000), Long.MAX_VALUE, 100);
        assertTaken(q.takeUpTo(Long.MAX_VALUE, 100), List.of(), Long.MAX_VALUE, 100);
        HistoryQueue.Entry late = entry(10_000, 1);
        q.add(late);
        assertTaken(q.takeUpTo(10_000, 1), List.of(late), 10_000, 1);
    }

    @Test
    void aChunkTakenWholeLetsGoOfTheChunksAfterIt() {
        HistoryQueue q = new HistoryQueue();
        HistoryQueue.Chunk first = q.headChunk();
        // 2,500 revisions: three chunks of 1,024
        for (int i = 1; i <= 2_500; i++) {
            q.addReplaced(i);
        }
        assertThat(q.takeUpTo(1_000, 1_000).versions()).isEqualTo(1_000);
        assertThat(first.next).as("partly taken: still the queue's head").isNotNull();
        HistoryQueue.Chunk second = first.next;
        assertThat(q.takeUpTo(2_100, 1_000).versions()).isEqualTo(1_100);
        assertThat(first.next).as("taken whole").isNull();
        assertThat(second.next).as("taken whole").isNull();
        assertThat(first.entries).containsOnlyNulls();
        assertThat(q.takeUpTo(Long.MAX_VALUE, 1_000).versions()).isEqualTo(400);
        q.addReplaced(2_501);
        assertThat(q.takeUpTo(Long.MAX_VALUE, 1).cuts()).containsExactly(2_501L);
    }

    @Test
    void bareRevisionsCountAsOldVersionsInOrderWithTheOthers() {
        HistoryQueue q = new HistoryQueue();
        List<HistoryQueue.Entry> added = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            if (i % 3 == 0) {
                HistoryQueue.Entry e = entry(i, i);
                q.add(e);
                added.add(e);
            } else {
                q.addReplaced(i);
                added.add(new HistoryQueue.Entry(i, null, false));
            }
        }
        assertTaken(q.takeUpTo(1_200, 50), added.subList(0, 1_201), 1_200, 50);
        assertTaken(q.takeUpTo(Long.MAX_VALUE, 50), added.subList(1_201, 2_500), Long.MAX_VALUE, 50);
    }

    @Test
    void replaceWithTakesTheOtherQueuesEntries() {
        HistoryQueue q = new HistoryQueue();
        for (int i = 0; i < 1_500; i++) {
            q.add(entry(i, i));
        }
        q.takeUpTo(700, 100);
        HistoryQueue other = new HistoryQueue();
        List<HistoryQueue.Entry> kept = new ArrayList<>();
        for (int i = 0; i < 2_100; i++) {
            HistoryQueue.Entry e = entry(50 + i, i);
            kept.add(e);
            other.add(e);
        }
        q.replaceWith(other);
        HistoryQueue.Entry next = entry(3_000, 9);
        q.add(next);
        kept.add(next);
        assertTaken(q.takeUpTo(Long.MAX_VALUE, 100), kept, Long.MAX_VALUE, 100);
    }

    /** One appender and one taker running at once: every entry is taken once, in order. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anAppenderAndATakerAtOnceLoseNothingAndKeepTheOrder() throws Exception {
        HistoryQueue q = new HistoryQueue();
        int total = 300_000;
        AtomicBoolean done = new AtomicBoolean();
        Thread appender = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                q.add(entry(i, i));
            }
            done.set(true);
        });
        appender.start();
        // every old version is a cut (below its take's bound) or its take's last revision
        List<Long> seen = new ArrayList<>(total);
        long versions = 0;
        long bound = 0;
        boolean last = false;
        while (!last) {
            last = done.get() && bound >= total;
            bound = last ? Long.MAX_VALUE : bound + 997;
            HistoryQueue.Taken t = q.takeUpTo(bound, 1);
            versions += t.versions();
            List<Long> part = new ArrayList<>();
            for (long cut : t.cuts()) {
                part.add(cut);
            }
            t.tombstones().forEach(e -> part.add(e.revision()));
            // within a take, cuts and tombstones are listed apart; across takes, in order
            part.sort(null);
            seen.addAll(part);
        }
        appender.join();
        long tombstones = (total + 6) / 7;
        assertThat(versions + tombstones).isEqualTo(total);
        // cuts and tombstones of each take, in order: every revision but the takes' bounds, once
        assertThat(seen).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
        assertThat(seen.size()).isGreaterThan(total - total / 997 - 2);
    }
}
