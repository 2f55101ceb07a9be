package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The versions a commit's put has not filed yet: in order across chunks, dropped by revision, counted. */
class UnfiledHistoryTest {

    private static final int PREFIX = 9;

    private record Filed(long revision, Bytes key, VersionRecord version) {
    }

    private static VersionRecord version(long revision) {
        return VersionRecord.put(revision, Bytes.utf8("v" + revision), 0, null);
    }

    @Test
    void drainsEveryEntryInOrderAcrossChunksAndCountsTheirHistoryKeys() {
        UnfiledHistory u = new UnfiledHistory();
        List<Filed> added = new ArrayList<>();
        long keyBytes = 0;
        // 2,500 entries: three chunks
        for (int i = 0; i < 2_500; i++) {
            Bytes key = Bytes.utf8("key-" + i);
            Filed f = new Filed(10 + i, key, version(9 + i));
            assertThat(u.isPastLast(f.revision(), key)).isTrue();
            u.add(f.revision(), key, key.length(), f.version().countedSize(0), f.version());
            added.add(f);
            keyBytes += PREFIX + key.length();
        }
        assertThat(u.size()).isEqualTo(2_500);
        assertThat(u.keyBytes()).isEqualTo(keyBytes);
        assertThat(u.firstKey()).isEqualTo(MvccKeys.history(10, Bytes.utf8("key-0")));
        List<Filed> drained = new ArrayList<>();
        u.drainTo((revision, key, version) -> drained.add(new Filed(revision, key, version)));
        assertThat(drained).containsExactlyElementsOf(added);
        assertThat(u.isEmpty()).isTrue();
        assertThat(u.keyBytes()).isZero();
        assertThat(u.isPastLast(2_509, Bytes.utf8("key-2499"))).as("the last ever added still orders").isFalse();
    }

    @Test
    void dropsExactlyTheEntriesReplacedBeforeTheRevision() {
        UnfiledHistory u = new UnfiledHistory();
        // two keys per revision, revisions 1..1,500: entries cross chunks
        for (long rev = 1; rev <= 1_500; rev++) {
            for (String k : List.of("a", "b")) {
                u.add(rev, Bytes.utf8(k), 1, version(rev).countedSize(0), version(rev));
            }
        }
        assertThat(u.dropBefore(1)).isZero();
        long records = 0;
        for (long rev = 1; rev < 1_200; rev++) {
            records += 2L * version(rev).countedSize(rev);
        }
        assertThat(u.dropBefore(1_200)).isEqualTo(2_398);
        assertThat(u.droppedRecordBytes()).as("the dropped versions' records, as replaced").isEqualTo(records);
        assertThat(u.size()).isEqualTo(602);
        assertThat(u.keyBytes()).isEqualTo(602L * (PREFIX + 1));
        assertThat(u.firstKey()).isEqualTo(MvccKeys.history(1_200, Bytes.utf8("a")));
        assertThat(u.isPastLast(1_500, Bytes.utf8("b"))).as("the last entry itself").isFalse();
        assertThat(u.isPastLast(1_500, Bytes.utf8("c"))).as("same revision, a later key").isTrue();
        assertThat(u.isPastLast(1_499, Bytes.utf8("z"))).isFalse();
        assertThat(u.dropBefore(-1L)).as("unsigned: every revision is below").isEqualTo(602);
        assertThat(u.isEmpty()).isTrue();
        assertThat(u.firstKey()).isNull();
        assertThat(u.isPastLast(1_500, Bytes.utf8("b"))).as("dropped entries still order what comes").isFalse();
        u.add(1_501, Bytes.utf8("x"), 1, version(1_501).countedSize(0), version(1_501));
        assertThat(u.size()).as("usable again once emptied").isEqualTo(1);
        u.clear();
        assertThat(u.isPastLast(1, Bytes.utf8("a"))).isTrue();
        assertThat(u.droppedRecordBytes()).isZero();
    }

    /**
     * One producer (under a lock, as the engine's writer), a consumer dropping without that lock
     * (as history compaction) and one draining under it (as a reader filing): every entry goes
     * exactly once, in order, and the counts end at zero.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aProducerAndTwoConsumersAtOnceLoseAndRepeatNothing() throws Exception {
        UnfiledHistory u = new UnfiledHistory();
        Object writerLock = new Object();
        int total = 300_000;
        java.util.concurrent.atomic.AtomicLong published = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
        List<Long> drained = java.util.Collections.synchronizedList(new ArrayList<>());
        Bytes key = Bytes.utf8("k");
        VersionRecord v = version(1);
        Thread producer = new Thread(() -> {
            for (long rev = 1; rev <= total; rev++) {
                synchronized (writerLock) {
                    u.add(rev, key, 1, v.countedSize(0), v);
                }
                published.set(rev);
            }
        });
        Thread compactor = new Thread(() -> {
            while (!done.get()) {
                // drops what is well behind the producer, as compaction keeps the retained revisions
                dropped.addAndGet(u.dropBefore(Math.max(0, published.get() - 1_000)));
            }
        });
        Thread filer = new Thread(() -> {
            long last = 0;
            while (!done.get()) {
                synchronized (writerLock) {
                    List<Long> batch = new ArrayList<>();
                    u.drainTo((rev, k, x) -> batch.add(rev));
                    for (long rev : batch) {
                        assertThat(rev).as("drained in order, each once").isGreaterThan(last);
                        last = rev;
                    }
                    drained.addAll(batch);
                }
                Thread.onSpinWait();
            }
        });
        producer.start();
        compactor.start();
        filer.start();
        producer.join();
        done.set(true);
        compactor.join();
        filer.join();
        u.drainTo((rev, k, x) -> drained.add(rev));
        assertThat(dropped.get() + drained.size()).as("every entry dropped or drained").isEqualTo(total);
        assertThat(drained).doesNotHaveDuplicates();
        assertThat(u.size()).isZero();
        assertThat(u.keyBytes()).isZero();
        // each dropped version counts its record as replaced at its own revision
        long all = 0;
        for (long rev = 1; rev <= total; rev++) {
            all += v.countedSize(rev);
        }
        long drainedBytes = drained.stream().mapToLong(v::countedSize).sum();
        assertThat(u.droppedRecordBytes()).isEqualTo(all - drainedBytes);
    }
}
