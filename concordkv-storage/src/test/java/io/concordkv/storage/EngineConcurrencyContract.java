package io.concordkv.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent readers and writers against one engine, with checked invariants:
 * <ul>
 *   <li>each writer writes a batch that sets every key of a group to the same value; a scan of
 *       the group must always see all {@value #GROUP} keys with one value (batches are atomic,
 *       scans consistent);</li>
 *   <li>each writer then puts its own counter; point reads of a counter never go backwards
 *       (a write that returned stays visible).</li>
 * </ul>
 * Bounded by count; a timeout fails the test rather than hanging it.
 */
public interface EngineConcurrencyContract extends EngineFixture {
    int GROUP = 8;
    int WRITERS = 2;
    int READERS = 2;
    int ROUNDS = 1500;

    @Test
    default void concurrentReadersNeverSeeHalfABatchOrAValueGoBack(@TempDir Path dir) throws Exception {
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean writersDone = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
        try (StorageEngine engine = openIn(dir)) {
            writeGroup(engine, -1, 0);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    await(start);
                    for (int round = 1; round <= ROUNDS; round++) {
                        writeGroup(engine, writer, round);
                        engine.put(counterKey(writer), encode(round));
                    }
                    return null;
                }));
            }
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                readers.add(pool.submit(() -> {
                    await(start);
                    long[] lastSeen = new long[WRITERS];
                    do {
                        checkGroup(engine, failures);
                        checkCounters(engine, lastSeen, failures);
                    } while (!writersDone.get() && failures.isEmpty());
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : writers) {
                f.get(60, TimeUnit.SECONDS);
            }
            writersDone.set(true);
            for (Future<?> f : readers) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(failures).isEmpty();
            for (int w = 0; w < WRITERS; w++) {
                assertThat(engine.get(counterKey(w))).contains(encode(ROUNDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Readers look up keys that never change while a writer inserts and deletes thousands of
     * others around them (rebalancing a tree, shifting an array, resizing a table): every lookup
     * of a stable key must find its value, every lookup of a churned key must find nothing or its
     * own value.
     */
    @Test
    default void pointReadsStayCorrectWhileTheStructureChangesAroundThem(@TempDir Path dir) throws Exception {
        int stable = 500;
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean writerDone = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(1 + READERS);
        try (StorageEngine engine = openIn(dir)) {
            for (int i = 0; i < stable; i++) {
                engine.put(Bytes.utf8("s" + (2 * i)), Bytes.utf8("v" + (2 * i)));
            }
            Future<?> writer = pool.submit(() -> {
                for (int round = 0; round < 40; round++) {
                    for (int i = 0; i < stable; i++) {
                        engine.put(Bytes.utf8("s" + (2 * i + 1)), Bytes.utf8("v" + (2 * i + 1)));
                    }
                    for (int i = 0; i < stable; i++) {
                        engine.delete(Bytes.utf8("s" + (2 * i + 1)));
                    }
                }
                writerDone.set(true);
                return null;
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                readers.add(pool.submit(() -> {
                    int i = 0;
                    do {
                        int n = i++ % (2 * stable);
                        java.util.Optional<Bytes> v = engine.get(Bytes.utf8("s" + n));
                        boolean ok = n % 2 == 0 ? v.equals(java.util.Optional.of(Bytes.utf8("v" + n)))
                            : v.isEmpty() || v.get().equals(Bytes.utf8("v" + n));
                        if (!ok) {
                            failures.add("key s" + n + " read as " + v);
                        }
                    } while (!writerDone.get() && failures.isEmpty());
                    return null;
                }));
            }
            writer.get(60, TimeUnit.SECONDS);
            for (Future<?> f : readers) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(failures).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    private static void writeGroup(StorageEngine engine, int writer, int round) {
        Bytes value = Bytes.utf8(writer + ":" + round);
        WriteBatch.Builder batch = WriteBatch.builder();
        for (int i = 0; i < GROUP; i++) {
            batch.put(Bytes.utf8("group/" + i), value);
        }
        engine.write(batch.build());
    }

    private static void checkGroup(StorageEngine engine, Queue<String> failures) {
        List<KeyValue> group = engine.scan(ScanRange.prefix(Bytes.utf8("group/")));
        if (group.size() != GROUP) {
            failures.add("scan saw " + group.size() + " group keys");
            return;
        }
        long distinct = group.stream().map(KeyValue::value).distinct().count();
        if (distinct != 1) {
            failures.add("scan saw half a batch: " + group.stream().map(kv -> kv.value().toUtf8()).toList());
        }
    }

    private static void checkCounters(StorageEngine engine, long[] lastSeen, Queue<String> failures) {
        for (int w = 0; w < WRITERS; w++) {
            long seen = engine.get(counterKey(w)).map(v -> ByteBuffer.wrap(v.unsafeArray()).getLong()).orElse(0L);
            if (seen < lastSeen[w]) {
                failures.add("counter " + w + " went back from " + lastSeen[w] + " to " + seen);
            }
            lastSeen[w] = seen;
        }
    }

    private static Bytes counterKey(int writer) {
        return Bytes.utf8("counter/" + writer);
    }

    private static Bytes encode(long n) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(n).array());
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("start latch never opened");
        }
    }
}
