package io.concordkv.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.WriteTicket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code always} policy's group commit on its own, with a fake "disk" that records each group
 * and takes a little while per group, as an fsync does: every write is run exactly once and in
 * each writer's order, waiting writers and callbacks are all told, writes group up under load, and
 * a failed group reaches every member.
 */
class GroupCommitQueueTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final ExecutorService driver = Executors.newSingleThreadExecutor();
    private final List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() throws InterruptedException {
        driver.shutdown();
        assertThat(driver.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A "disk" that records each group's writes (by payload) and spends {@code micros} on it. */
    private Consumer<List<GroupCommitQueue.Pending>> disk(long micros) {
        return group -> {
            List<Integer> ids = new ArrayList<>();
            for (GroupCommitQueue.Pending p : group) {
                ids.add(ByteBuffer.wrap(p.payload).getInt());
            }
            groups.add(ids);
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(micros));
        };
    }

    private static WriteBatch batch() {
        return WriteBatch.builder().put(Bytes.utf8("k"), Bytes.utf8("v")).build();
    }

    private static byte[] payload(int writer, int seq) {
        return ByteBuffer.allocate(4).putInt(writer * 1_000_000 + seq).array();
    }

    @Test
    void manyWaitingWritersAreEachRunOnceInTheirOrderAndGroupUp() {
        GroupCommitQueue queue = new GroupCommitQueue(disk(100), driver);
        int writers = 32;
        int each = 300;
        assertTimeoutPreemptively(LIMIT, () -> runWriters(writers, each,
            (writer, i) -> queue.submit(batch(), payload(writer, i)).await()));
        assertEachWriteRanOnceInOrder(writers, each);
        // 9,600 writes against a disk that takes 100 µs a group: they must have shared groups
        assertThat(groups.size()).isLessThan(writers * each / 2);
        assertThat(groups.stream().mapToInt(List::size).max().orElse(0)).isGreaterThan(1);
    }

    @Test
    void callbacksAndWaitersMixedAreAllTold() {
        GroupCommitQueue queue = new GroupCommitQueue(disk(50), driver);
        int writers = 16;
        int each = 200;
        CountDownLatch callbacks = new CountDownLatch(writers / 2 * each);
        ConcurrentLinkedQueue<KvException> failures = new ConcurrentLinkedQueue<>();
        assertTimeoutPreemptively(LIMIT, () -> {
            runWriters(writers, each, (writer, i) -> {
                WriteTicket ticket = queue.submit(batch(), payload(writer, i));
                if (writer % 2 == 0) {
                    ticket.await();
                } else {
                    ticket.whenDone(error -> {
                        if (error != null) {
                            failures.add(error);
                        }
                        callbacks.countDown();
                    });
                }
            });
            callbacks.await();
        });
        assertThat(failures).isEmpty();
        assertEachWriteRanOnceInOrder(writers, each);
    }

    @Test
    void aWriteSubmittedButNotYetAwaitedDoesNotHoldUpTheWritesBehindIt() {
        GroupCommitQueue queue = new GroupCommitQueue(disk(0), driver);
        WriteTicket first = queue.submit(batch(), payload(0, 0));
        assertTimeoutPreemptively(LIMIT, () -> {
            queue.submit(batch(), payload(1, 0)).await();
            first.await();
        });
        assertThat(groups).containsExactly(List.of(0, 1_000_000));
    }

    @Test
    void aFailedGroupFailsEveryMemberAndLaterWritesStillRun() {
        AtomicInteger calls = new AtomicInteger();
        KvException broken = new KvException(ErrorCode.IO_ERROR, "disk on fire");
        GroupCommitQueue queue = new GroupCommitQueue(group -> {
            if (calls.getAndIncrement() == 0) {
                group.forEach(p -> p.error = broken);
            }
        }, driver);
        WriteTicket a = queue.submit(batch(), payload(0, 0));
        WriteTicket b = queue.submit(batch(), payload(0, 1));
        assertTimeoutPreemptively(LIMIT, () -> {
            assertThatThrownBy(b::await).isSameAs(broken);
            assertThatThrownBy(a::await).isSameAs(broken);
            queue.submit(batch(), payload(0, 2)).await();
        });
        assertThat(calls).hasValue(2);
    }

    /** One writer's {@code i}-th write. */
    private interface Write {
        void run(int writer, int i);
    }

    /** Runs {@code writers} threads, each doing {@code each} writes in order, and waits for them. */
    private static void runWriters(int writers, int each, Write write) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    write.run(writer, i);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void aGroupWhoseRunThrowsFailsEveryMemberInsteadOfReportingSuccess() {
        AtomicInteger calls = new AtomicInteger();
        GroupCommitQueue queue = new GroupCommitQueue(group -> {
            if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("bug in the write path");
            }
        }, driver);
        WriteTicket a = queue.submit(batch(), payload(0, 0));
        WriteTicket b = queue.submit(batch(), payload(0, 1));
        assertTimeoutPreemptively(LIMIT, () -> {
            assertThatThrownBy(b::await).isInstanceOfSatisfying(KvException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
            assertThatThrownBy(a::await).isInstanceOf(KvException.class);
            queue.submit(batch(), payload(0, 2)).await();
        });
        assertThat(calls).hasValue(2);
    }

    private void assertEachWriteRanOnceInOrder(int writers, int each) {
        int[] next = new int[writers];
        int total = 0;
        synchronized (groups) {
            for (List<Integer> group : groups) {
                for (int id : group) {
                    int writer = id / 1_000_000;
                    assertThat(id % 1_000_000).as("writer %d's next write", writer).isEqualTo(next[writer]);
                    next[writer]++;
                    total++;
                }
            }
        }
        assertThat(total).isEqualTo(writers * each);
    }
}
