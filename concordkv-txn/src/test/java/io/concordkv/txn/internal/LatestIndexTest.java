package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class LatestIndexTest {

    /** Keys of 1 to 3 bytes, high bytes included (the order is unsigned). */
    private static Bytes randomKey(SplittableRandom r) {
        byte[] b = new byte[1 + r.nextInt(3)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (r.nextBoolean() ? r.nextInt(4) : 0xF0 + r.nextInt(16));
        }
        return Bytes.wrap(b);
    }

    private static List<Bytes> modelRange(NavigableSet<Bytes> model, Bytes from, Bytes to, boolean reverse, int limit) {
        NavigableSet<Bytes> part = model;
        if (from != null) {
            part = part.tailSet(from, true);
        }
        if (to != null) {
            part = part.headSet(to, false);
        }
        List<Bytes> out = new ArrayList<>();
        for (Bytes k : reverse ? part.descendingSet() : part) {
            if (limit > 0 && out.size() == limit) {
                break;
            }
            out.add(k);
        }
        return out;
    }

    @Test
    void keepsKeysInUnsignedOrderThroughSplitsAndMergesAndAnswersEveryRange() {
        long seed = Long.getLong("concordkv.txn.seed", System.nanoTime());
        System.out.println("LatestIndexTest seed=" + seed);
        SplittableRandom r = new SplittableRandom(seed);
        LatestIndex index = new LatestIndex();
        NavigableSet<Bytes> model = new TreeSet<>();
        // grow past many leaves, shrink to a few, grow again: splits and merges both
        for (int step = 0; step < 40_000; step++) {
            boolean growing = step < 15_000 || step >= 30_000;
            Bytes key = randomKey(r);
            if (r.nextInt(10) < (growing ? 8 : 2)) {
                if (model.add(key)) {
                    index.add(key);
                }
            } else {
                assertThat(index.remove(key)).as("seed %d step %d remove %s", seed, step, key)
                    .isEqualTo(model.remove(key));
            }
            if (step % 50 == 0) {
                Bytes a = r.nextInt(4) == 0 ? null : randomKey(r);
                Bytes b = r.nextInt(4) == 0 ? null : randomKey(r);
                Bytes from = a == null || b != null && a.compareTo(b) > 0 ? b : a;
                Bytes to = from == a ? b : a;
                boolean reverse = r.nextBoolean();
                int limit = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(300);
                assertThat(index.range(from, to, reverse, limit))
                    .as("seed %d step %d range [%s, %s) reverse %s limit %d", seed, step, from, to, reverse, limit)
                    .containsExactlyElementsOf(modelRange(model, from, to, reverse, limit));
            }
            assertThat(index.size()).isEqualTo(model.size());
        }
        assertThat(index.range(null, null, false, 0)).containsExactlyElementsOf(model);
        assertThat(index.range(null, null, true, 0)).containsExactlyElementsOf(model.descendingSet());
        assertThat(model.size()).as("the run grew past one leaf").isGreaterThan(4 * LatestIndex.LEAF);
    }

    @Test
    void emptiesWholeAndRefusesAKeyItHolds() {
        LatestIndex index = new LatestIndex();
        List<Bytes> keys = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            keys.add(Bytes.utf8(String.format("key-%04d", i)));
        }
        keys.forEach(index::add);
        assertThatThrownBy(() -> index.add(Bytes.utf8("key-0500"))).isInstanceOf(IllegalStateException.class);
        for (Bytes k : keys) {
            assertThat(index.remove(k)).isTrue();
        }
        assertThat(index.size()).isZero();
        assertThat(index.range(null, null, false, 0)).isEmpty();
        assertThat(index.remove(keys.get(0))).isFalse();
        index.add(keys.get(7));
        assertThat(index.range(null, null, true, 0)).containsExactly(keys.get(7));
        index.clear();
        assertThat(index.range(null, null, false, 0)).isEmpty();
    }

    /**
     * The index keeps bytes of its own, so the collector reaches the table's key bytes only from
     * the table's nodes (and lays them out beside them): neither the added key's array nor the
     * array of a key it hands out is shared with the other.
     */
    @Test
    void keepsItsOwnCopyOfEachKey() {
        LatestIndex index = new LatestIndex();
        Bytes key = Bytes.utf8("key");
        index.add(key);
        Bytes held = index.range(null, null, false, 0).get(0);
        assertThat(held).isEqualTo(key);
        assertThat(held.unsafeArray()).isNotSameAs(key.unsafeArray());
        assertThat(index.remove(Bytes.utf8("key"))).as("found by its bytes").isTrue();
    }
}
