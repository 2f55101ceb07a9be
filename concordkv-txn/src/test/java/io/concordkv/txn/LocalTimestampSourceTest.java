package io.concordkv.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The local counter: increasing, raised by recovery, lowered by a restore, read from any thread. */
class LocalTimestampSourceTest {

    @Test
    void countsUpFromOneAndRecoveryOnlyRaisesIt() {
        LocalTimestampSource t = new LocalTimestampSource();
        assertThat(t.last()).isZero();
        assertThat(t.next()).isEqualTo(1);
        assertThat(t.next()).isEqualTo(2);
        t.advancePast(10);
        assertThat(t.last()).isEqualTo(10);
        assertThat(t.next()).isEqualTo(11);
        t.advancePast(5);
        assertThat(t.next()).as("advancePast never lowers").isEqualTo(12);
        t.reset(3);
        assertThat(t.last()).isEqualTo(3);
        assertThat(t.next()).as("a restore sets where the count goes on from").isEqualTo(4);
    }

    @Test
    void callersThatTakeTurnsUnderALockGetDistinctIncreasingTimestampsAndReadersSeeThem() throws Exception {
        LocalTimestampSource t = new LocalTimestampSource();
        ReentrantLock commitLock = new ReentrantLock();
        int threads = 4;
        int each = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            CountDownLatch start = new CountDownLatch(1);
            java.util.List<Future<long[]>> got = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                got.add(pool.submit(() -> {
                    start.await();
                    long[] mine = new long[each];
                    for (int j = 0; j < each; j++) {
                        commitLock.lock();
                        try {
                            mine[j] = t.next();
                        } finally {
                            commitLock.unlock();
                        }
                    }
                    return mine;
                }));
            }
            Future<Boolean> reader = pool.submit(() -> {
                start.await();
                long seen = 0;
                while (seen < (long) threads * each) {
                    long now = t.last();
                    if (now < seen) {
                        return false;
                    }
                    seen = now;
                }
                return true;
            });
            start.countDown();
            java.util.BitSet all = new java.util.BitSet();
            for (Future<long[]> f : got) {
                long previous = 0;
                for (long ts : f.get(60, TimeUnit.SECONDS)) {
                    assertThat(ts).isGreaterThan(previous);
                    previous = ts;
                    assertThat(all.get((int) ts)).as("timestamp %d given twice", ts).isFalse();
                    all.set((int) ts);
                }
            }
            assertThat(all.cardinality()).isEqualTo(threads * each);
            assertThat(all.nextClearBit(1)).isEqualTo(threads * each + 1);
            assertThat(reader.get(60, TimeUnit.SECONDS)).as("last() never went back").isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
