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
        assertThat(q.takeUpTo(0)).isEmpty();
        List<HistoryQueue.Entry> first = q.takeUpTo(400);
        assertThat(first).containsExactlyElementsOf(added.subList(0, 1_200));
        assertThat(q.takeUpTo(400)).isEmpty();
        List<HistoryQueue.Entry> second = q.takeUpTo(1_400);
        assertThat(second).containsExactlyElementsOf(added.subList(1_200, 4_200));
        assertThat(q.takeUpTo(Long.MAX_VALUE)).containsExactlyElementsOf(added.subList(4_200, 5_000));
        assertThat(q.takeUpTo(Long.MAX_VALUE)).isEmpty();
        HistoryQueue.Entry late = entry(10_000, 1);
        q.add(late);
        assertThat(q.takeUpTo(10_000)).containsExactly(late);
    }

    @Test
    void aChunkTakenWholeLetsGoOfTheChunksAfterIt() {
        HistoryQueue q = new HistoryQueue();
        HistoryQueue.Chunk first = q.headChunk();
        // 2,500 revisions: three chunks of 1,024
        for (int i = 1; i <= 2_500; i++) {
            q.addReplaced(i);
        }
        assertThat(q.takeUpTo(1_000)).hasSize(1_000);
        assertThat(first.next).as("partly taken: still the queue's head").isNotNull();
        HistoryQueue.Chunk second = first.next;
        assertThat(q.takeUpTo(2_100)).hasSize(1_100);
        assertThat(first.next).as("taken whole").isNull();
        assertThat(second.next).as("taken whole").isNull();
        assertThat(first.entries).containsOnlyNulls();
        assertThat(q.takeUpTo(Long.MAX_VALUE)).hasSize(400);
        q.addReplaced(2_501);
        assertThat(q.takeUpTo(Long.MAX_VALUE)).extracting(HistoryQueue.Entry::revision).containsExactly(2_501L);
    }

    @Test
    void bareRevisionsComeOutAsEntriesWithNoKeyInOrderWithTheOthers() {
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
        assertThat(q.takeUpTo(1_200)).containsExactlyElementsOf(added.subList(0, 1_201));
        assertThat(q.takeUpTo(Long.MAX_VALUE)).containsExactlyElementsOf(added.subList(1_201, 2_500));
    }

    @Test
    void replaceWithTakesTheOtherQueuesEntries() {
        HistoryQueue q = new HistoryQueue();
        for (int i = 0; i < 1_500; i++) {
            q.add(entry(i, i));
        }
        q.takeUpTo(700);
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
        assertThat(q.takeUpTo(Long.MAX_VALUE)).containsExactlyElementsOf(kept);
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
        List<HistoryQueue.Entry> taken = new ArrayList<>(total);
        long bound = 0;
        while (taken.size() < total) {
            boolean finished = done.get();
            bound += 997;
            taken.addAll(q.takeUpTo(bound));
            if (finished && bound >= total) {
                taken.addAll(q.takeUpTo(Long.MAX_VALUE));
                break;
            }
        }
        appender.join();
        assertThat(taken).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(taken.get(i).revision()).isEqualTo(i);
        }
    }
}
