package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The latest-version table: a map through growth and shrinking, and lock-free readers while it resizes. */
class LatestTableTest {

    private static VersionRecord version(long rev) {
        return VersionRecord.of(false, 1, rev, 1, 0, 0, 0, Bytes.EMPTY);
    }

    /** A fresh key object each time, as a request brings: found by its bytes, not its identity. */
    private static Bytes key(int i) {
        return Bytes.utf8("key-" + i);
    }

    @Test
    void actsAsAMapThroughGrowthAndShrinking() {
        long seed = Long.getLong("concordkv.txn.seed", System.nanoTime());
        System.out.println("LatestTableTest seed=" + seed);
        SplittableRandom r = new SplittableRandom(seed);
        LatestTable table = new LatestTable();
        Map<Bytes, VersionRecord> model = new HashMap<>();
        for (int phase = 0; phase < 4; phase++) {
            // grow to a few thousand keys, then shrink to a few
            boolean growing = phase % 2 == 0;
            for (int step = 0; step < 20_000; step++) {
                Bytes k = key(r.nextInt(5_000));
                String as = "seed " + seed + " phase " + phase + " step " + step;
                if (growing ? r.nextInt(4) != 0 : r.nextInt(8) == 0) {
                    VersionRecord v = version(step);
                    assertThat(table.put(k, v)).as(as).isEqualTo(model.put(k, v));
                } else {
                    assertThat(table.remove(k)).as(as).isEqualTo(model.remove(k));
                }
                assertThat(table.size()).as(as).isEqualTo(model.size());
            }
            for (int i = 0; i < 5_000; i++) {
                assertThat(table.get(key(i))).as("seed %d key %d", seed, i).isEqualTo(model.get(key(i)));
            }
        }
    }

    /**
     * A key's entry keeps what a put over its latest version needs, through puts, deletes (a
     * tombstone restarts the count) and the resizes that copy every entry: the version a put makes
     * from it is the one {@link VersionRecord#put} makes from the latest version itself.
     */
    @Test
    void anEntryMakesThePutOverItsLatestVersionAndKeepsItsSizeThroughReplacesAndResizes() {
        LatestTable table = new LatestTable();
        Map<Bytes, VersionRecord> model = new HashMap<>();
        long revision = 1;
        for (int round = 0; round < 5; round++) {
            // round 0 makes 2,000 keys (the table grows several times), later rounds replace them
            for (int i = 0; i < 2_000; i++) {
                Bytes k = key(i);
                revision++;
                VersionRecord latest = model.get(k);
                LatestTable.Node n = table.node(k);
                if (n != null) {
                    assertThat(n.counted()).as("round %d key %d: the counted size kept", round, i)
                        .isEqualTo(latest.countedSize(0));
                }
                VersionRecord next;
                if (latest != null && !latest.tombstone() && (i + round) % 5 == 0) {
                    next = VersionRecord.delete(revision, latest);
                } else {
                    next = VersionRecord.put(revision, Bytes.utf8("v" + revision), round, latest);
                    if (n != null) {
                        assertThat(n.putOver(revision, Bytes.utf8("v" + revision), round))
                            .as("round %d key %d", round, i).isEqualTo(next);
                    }
                }
                if (n == null) {
                    table.put(k, next);
                } else {
                    table.replace(n, next);
                }
                model.put(k, next);
            }
        }
        assertThat(table.size()).isEqualTo(2_000);
    }

    /**
     * Two reader threads call {@code check} on keys 0 to {@code stable - 1} over and over while
     * {@code writer} runs on this thread (told by its argument whether to go on); returns the first
     * failure a reader reported, or null.
     */
    private static String readWhileWriting(int stable, java.util.function.IntFunction<String> check,
                                           java.util.function.Consumer<java.util.function.BooleanSupplier> writer)
        throws InterruptedException {
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch readers = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            new Thread(() -> {
                try {
                    while (!done.get() && failure.get() == null) {
                        for (int i = 0; i < stable; i++) {
                            String f = check.apply(i);
                            if (f != null) {
                                failure.compareAndSet(null, f);
                            }
                        }
                    }
                } finally {
                    readers.countDown();
                }
            }).start();
        }
        writer.accept(() -> failure.get() == null);
        done.set(true);
        assertThat(readers.await(30, TimeUnit.SECONDS)).isTrue();
        return failure.get();
    }

    @Test
    @Timeout(60)
    void readersFindEveryKeyThatStaysWhileTheWriterResizesTheTable() throws Exception {
        LatestTable table = new LatestTable();
        int stable = 200;
        for (int i = 0; i < stable; i++) {
            table.put(key(i), version(1));
        }
        String failure = readWhileWriting(stable, i -> table.get(key(i)) == null ? "key " + i + " missing" : null, ok -> {
            // the writer grows the table past 50,000 keys and shrinks it back, several times,
            // overwriting the stable keys as it goes
            for (int round = 0; round < 6 && ok.getAsBoolean(); round++) {
                for (int i = stable; i < 50_000; i++) {
                    table.put(key(i), version(round));
                    table.put(key(i % stable), version(i));
                }
                for (int i = stable; i < 50_000; i++) {
                    table.remove(key(i));
                }
            }
        });
        assertThat(failure).isNull();
        assertThat(table.size()).isEqualTo(stable);
    }

    /**
     * A reader may stand on a node of a table that a resize has since replaced, or load a node's
     * version while the writer swaps it: it must still never find a version older than one a
     * look-up that ended before it began found. Thousands of keys come and go, so the table
     * resizes again and again while the stable keys are overwritten.
     */
    @Test
    @Timeout(60)
    void aReaderNeverFindsAVersionOlderThanOneFoundBefore() throws Exception {
        LatestTable table = new LatestTable();
        int stable = 400;
        for (int i = 0; i < stable; i++) {
            table.put(key(i), version(1));
        }
        java.util.concurrent.atomic.AtomicLongArray seen = new java.util.concurrent.atomic.AtomicLongArray(stable);
        String failure = readWhileWriting(stable, i -> {
            // what some look-up found before this one began
            long floor = seen.get(i);
            VersionRecord v = table.get(key(i));
            if (v == null || v.modRevision() < floor) {
                return "key " + i + ": " + v + " after revision " + floor;
            }
            seen.accumulateAndGet(i, v.modRevision(), Math::max);
            return null;
        }, ok -> {
            long revision = 1;
            for (int round = 0; round < 6 && ok.getAsBoolean(); round++) {
                for (int i = stable; i < 20_000; i++) {
                    table.put(key(i), version(round));
                    for (int j = 0; j < 5; j++) {
                        table.put(key((i * 5 + j) % stable), version(++revision));
                    }
                }
                for (int i = stable; i < 20_000; i++) {
                    table.remove(key(i));
                    table.put(key(i % stable), version(++revision));
                }
            }
        });
        assertThat(failure).isNull();
        for (int i = 0; i < stable; i++) {
            assertThat(table.get(key(i)).modRevision()).isGreaterThanOrEqualTo(seen.get(i));
        }
    }
}
