package io.concordkv.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.storage.EngineLimits;
import io.concordkv.storage.EngineStats;
import io.concordkv.storage.WriteBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-table layout of the {@code hash} engine: buckets split among the stripes by the top bits
 * of the hash, the whole table doubled under every stripe's lock. Checked with stripe counts from
 * one (the two-step shifts must give stripe 0) to more stripes than the table's first size.
 */
class StripedHashEngineTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 64, 4096})
    void agreesWithAHashMapThroughManyDoublings(int stripes) {
        long seed = System.nanoTime();
        System.out.println("StripedHashEngineTest stripes = " + stripes + ", seed = " + seed);
        Random random = new Random(seed);
        StripedHashEngine engine = new StripedHashEngine(stripes, EngineLimits.defaults());
        Map<Bytes, Bytes> model = new HashMap<>();
        for (int step = 0; step < 30_000; step++) {
            Bytes key = Bytes.utf8("key-" + random.nextInt(20_000));
            switch (random.nextInt(6)) {
                case 0 -> {
                    engine.delete(key);
                    model.remove(key);
                }
                case 1 -> {
                    Bytes other = Bytes.utf8("key-" + random.nextInt(20_000));
                    Bytes value = Bytes.utf8("batch-" + step);
                    engine.write(WriteBatch.builder().put(key, value).delete(other).build());
                    model.put(key, value);
                    model.remove(other); // in order: a batch that puts and deletes one key deletes it
                }
                default -> {
                    Bytes value = Bytes.utf8("v" + step);
                    engine.put(key, value);
                    model.put(key, value);
                }
            }
        }
        long bytes = 0;
        for (int i = 0; i < 20_000; i++) {
            Bytes key = Bytes.utf8("key-" + i);
            assertThat(engine.get(key)).as("seed %d key %s", seed, key).isEqualTo(Optional.ofNullable(model.get(key)));
        }
        for (Map.Entry<Bytes, Bytes> e : model.entrySet()) {
            bytes += e.getKey().length() + e.getValue().length();
        }
        assertThat(engine.stats()).isEqualTo(new EngineStats(model.size(), bytes));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64})
    void readersKeepFindingEveryKeyWhileTheTableDoubles(int stripes) throws Exception {
        StripedHashEngine engine = new StripedHashEngine(stripes, EngineLimits.defaults());
        int stable = 1_000;
        List<Optional<Bytes>> expected = new ArrayList<>();
        Bytes[] keys = new Bytes[stable];
        for (int i = 0; i < stable; i++) {
            keys[i] = Bytes.utf8("stable-" + i);
            expected.add(Optional.of(Bytes.utf8("value-" + i)));
            engine.put(keys[i], expected.get(i).orElseThrow());
        }
        int fresh = 400_000;
        Bytes[] freshKeys = new Bytes[fresh];
        for (int i = 0; i < fresh; i++) {
            freshKeys[i] = Bytes.utf8("new-" + i);
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch reading = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            long n = 0;
            while (!done.get()) {
                for (int i = 0; i < stable; i++) {
                    if (!engine.get(keys[i]).equals(expected.get(i))) {
                        failure.compareAndSet(null, keys[i] + " not found or wrong after " + n + " reads");
                    }
                }
                n += stable;
                reading.countDown();
            }
            reads.set(n);
        });
        reader.start();
        try {
            reading.await();
            // the new keys double the table about nine times while the reader runs
            Bytes value = Bytes.utf8("n");
            for (Bytes key : freshKeys) {
                engine.put(key, value);
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(reads.get()).isPositive();
        assertThat(engine.stats().keyCount()).isEqualTo(stable + fresh);
    }

    @Test
    void concurrentWritersOfDifferentStripesLoseNothing() throws Exception {
        StripedHashEngine engine = new StripedHashEngine(64, EngineLimits.defaults());
        int perWriter = 100_000;
        Bytes value = Bytes.utf8("v");
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            String prefix = "w" + w + "-";
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perWriter; i++) {
                    engine.put(Bytes.utf8(prefix + i), value);
                }
            });
            t.start();
            writers.add(t);
        }
        start.countDown();
        for (Thread t : writers) {
            t.join();
        }
        assertThat(engine.stats().keyCount()).isEqualTo(2L * perWriter);
        for (int w = 0; w < 2; w++) {
            for (int i = 0; i < perWriter; i++) {
                assertThat(engine.get(Bytes.utf8("w" + w + "-" + i))).as("w%d-%d", w, i).contains(value);
            }
        }
    }

    /** Regression: keys that all fall into one stripe doubled the whole table each time that stripe filled up. */
    @Test
    void keysCrowdedIntoOneStripeDoNotBlowUpTheTable() {
        StripedHashEngine engine = new StripedHashEngine(64, EngineLimits.defaults());
        List<Bytes> crowded = new ArrayList<>();
        for (int i = 0; crowded.size() < 20_000; i++) {
            Bytes key = Bytes.utf8("c" + i);
            if (engine.stripeIndexOf(key) == 0) {
                crowded.add(key);
            }
        }
        for (Bytes key : crowded) {
            engine.put(key, key);
        }
        assertThat(engine.bucketCount()).as("buckets for %d keys", crowded.size()).isLessThanOrEqualTo(16 * crowded.size());
        for (Bytes key : crowded) {
            assertThat(engine.get(key)).contains(key);
        }
        assertThat(engine.stats().keyCount()).isEqualTo(crowded.size());
    }
}
