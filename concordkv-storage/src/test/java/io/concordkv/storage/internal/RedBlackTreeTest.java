package io.concordkv.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The red-black invariants (root black, no red node with a red child, the same number of black
 * nodes on every path, keys in order, consistent parent links) after every change of a random
 * workload, and agreement with a {@link TreeMap} throughout. Keys mix short keys, keys of exactly
 * 16 bytes and long keys sharing 16-byte prefixes, so both comparison paths are exercised.
 */
class RedBlackTreeTest {

    /**
     * Each workload runs on a tree that indexes every key and on one that keeps the keys starting
     * with 'p' (about half the pool) out of its point index.
     */
    @ParameterizedTest(name = "unindexed prefix {0}")
    @ValueSource(ints = {-1, 'p'})
    void keepsInvariantsAndAgreesWithTreeMapUnderRandomInsertsAndDeletes(int unindexedPrefix) {
        long seed = System.nanoTime();
        System.out.println("RedBlackTreeTest seed = " + seed);
        Random random = new Random(seed);
        RedBlackTree tree = new RedBlackTree(unindexedPrefix);
        TreeMap<Bytes, Bytes> model = new TreeMap<>();
        List<Bytes> pool = keyPool(random);
        for (int step = 0; step < 20_000; step++) {
            Bytes key = pool.get(random.nextInt(pool.size()));
            if (random.nextInt(3) == 0) {
                assertThat(tree.remove(key)).as("seed %d step %d", seed, step).isEqualTo(model.remove(key));
            } else {
                Bytes value = Bytes.utf8("v" + step);
                assertThat(tree.put(key, value)).as("seed %d step %d", seed, step).isEqualTo(model.put(key, value));
            }
            if (step % 97 == 0) {
                checkInvariants(tree, seed);
                assertThat(entries(tree)).isEqualTo(entries(model));
            }
        }
        checkInvariants(tree, seed);
        assertThat(tree.size()).isEqualTo(model.size());
        for (Bytes key : pool) {
            assertThat(tree.get(key)).isEqualTo(model.get(key));
            assertThat(tree.getRacy(key)).isEqualTo(model.get(key));
        }
    }

    /** Removing random ranges among random inserts keeps the invariants and the point index exact. */
    @ParameterizedTest(name = "unindexed prefix {0}")
    @ValueSource(ints = {-1, 'p'})
    void rangeRemovalKeepsInvariantsAndTheIndexAndRemovesExactlyTheRange(int unindexedPrefix) {
        long seed = System.nanoTime();
        System.out.println("RedBlackTreeTest range seed = " + seed);
        Random random = new Random(seed);
        RedBlackTree tree = new RedBlackTree(unindexedPrefix);
        TreeMap<Bytes, Bytes> model = new TreeMap<>();
        List<Bytes> pool = keyPool(random);
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 100; i++) {
                Bytes key = pool.get(random.nextInt(pool.size()));
                Bytes value = Bytes.utf8("v" + round + "." + i);
                tree.put(key, value);
                model.put(key, value);
            }
            Bytes a = pool.get(random.nextInt(pool.size()));
            Bytes b = pool.get(random.nextInt(pool.size()));
            if (a.compareTo(b) == 0) {
                continue;
            }
            Bytes from = a.compareTo(b) < 0 ? a : b;
            Bytes to = a.compareTo(b) < 0 ? b : a;
            java.util.NavigableMap<Bytes, Bytes> range = model.subMap(from, true, to, false);
            List<KeyValue> expected = range.entrySet().stream().map(e -> new KeyValue(e.getKey(), e.getValue())).toList();
            assertThat(tree.removeRange(from, to)).as("seed %d round %d", seed, round).isEqualTo(expected);
            range.clear();
            checkInvariants(tree, seed);
            assertThat(entries(tree)).as("seed %d round %d", seed, round).isEqualTo(entries(model));
        }
        for (Bytes key : pool) {
            assertThat(tree.get(key)).as("seed %d: the index agrees", seed).isEqualTo(model.get(key));
        }
    }

    /** The point index grows and shrinks back (deletes empty it in phases) and stays exact throughout. */
    @ParameterizedTest(name = "unindexed prefix {0}")
    @ValueSource(ints = {-1, 'p'})
    void pointIndexFollowsPhasesOfInsertsAndDeletes(int unindexedPrefix) {
        long seed = System.nanoTime();
        System.out.println("RedBlackTreeTest phases seed = " + seed);
        Random random = new Random(seed);
        RedBlackTree tree = new RedBlackTree(unindexedPrefix);
        TreeMap<Bytes, Bytes> model = new TreeMap<>();
        for (int phase = 0; phase < 6; phase++) {
            int n = 1 + random.nextInt(3_000);
            for (int i = 0; i < n; i++) {
                // keys from "o0" and from "p0": the two sides of an unindexed prefix 'p'
                Bytes key = Bytes.utf8((random.nextBoolean() ? "o" : "p") + random.nextInt(5_000));
                Bytes value = Bytes.utf8("v" + phase + "." + i);
                assertThat(tree.put(key, value)).as("seed %d", seed).isEqualTo(model.put(key, value));
            }
            checkInvariants(tree, seed);
            List<Bytes> keys = new ArrayList<>(model.keySet());
            Collections.shuffle(keys, random);
            int keep = phase % 2 == 0 ? 0 : random.nextInt(keys.size() + 1);
            for (int i = keep; i < keys.size(); i++) {
                assertThat(tree.remove(keys.get(i))).as("seed %d", seed).isEqualTo(model.remove(keys.get(i)));
                if (i % 251 == 0) {
                    checkInvariants(tree, seed);
                }
            }
            checkInvariants(tree, seed);
            assertThat(entries(tree)).isEqualTo(entries(model));
            for (int i = 0; i < 5_000; i++) {
                for (String prefix : new String[] {"o", "p"}) {
                    Bytes key = Bytes.utf8(prefix + i);
                    assertThat(tree.get(key)).as("seed %d key %s", seed, key).isEqualTo(model.get(key));
                    assertThat(tree.getRacy(key)).isEqualTo(model.get(key));
                }
            }
        }
    }

    @Test
    void ordersKeysAroundTheSixteenByteInlinePrefix() {
        RedBlackTree tree = new RedBlackTree();
        List<Bytes> sorted = List.of(
            Bytes.wrap(new byte[] {0}),
            Bytes.wrap(new byte[] {0, 0}),
            Bytes.wrap(new byte[16]),
            Bytes.wrap(new byte[17]),
            Bytes.utf8("abcdefghijklmnop"),
            Bytes.utf8("abcdefghijklmnop\u0000"),
            Bytes.utf8("abcdefghijklmnopa"),
            Bytes.utf8("abcdefghijklmnopb"),
            Bytes.utf8("abcdefghijklmnoq"),
            Bytes.wrap(new byte[] {(byte) 0xFF}));
        for (int i = sorted.size() - 1; i >= 0; i--) {
            tree.put(sorted.get(i), Bytes.utf8("" + i));
        }
        assertThat(tree.scan(ScanRange.all())).extracting(KeyValue::key).containsExactlyElementsOf(sorted);
        List<Bytes> descending = new ArrayList<>(sorted);
        Collections.reverse(descending);
        assertThat(tree.scan(ScanRange.all().reversed())).extracting(KeyValue::key)
            .containsExactlyElementsOf(descending);
    }

    /** Regression: a reverse scan whose end is at or below every key returned the last key. */
    @Test
    void reverseScanEndingBelowEveryKeyIsEmpty() {
        RedBlackTree tree = new RedBlackTree();
        tree.put(Bytes.wrap(new byte[] {0}), Bytes.EMPTY);
        tree.put(Bytes.utf8("b"), Bytes.EMPTY);
        assertThat(tree.scan(ScanRange.between(Bytes.EMPTY, Bytes.wrap(new byte[] {0})).reversed())).isEmpty();
        assertThat(tree.scan(ScanRange.between(Bytes.EMPTY, Bytes.utf8("b")).reversed()))
            .extracting(KeyValue::key).containsExactly(Bytes.wrap(new byte[] {0}));
    }

    private static List<Bytes> keyPool(Random random) {
        List<Bytes> pool = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // 1 to 30 bytes: short keys that differ only in trailing zero bytes, and keys past the
            // 24 inline bytes that share them
            byte[] key = new byte[1 + random.nextInt(30)];
            for (int j = 0; j < key.length; j++) {
                key[j] = (byte) (j < 14 ? 'p' : random.nextInt(4));
            }
            pool.add(Bytes.wrap(key));
            pool.add(Bytes.utf8(String.format("k%015d", random.nextInt(1000))));
        }
        return pool;
    }

    private static List<KeyValue> entries(RedBlackTree tree) {
        return tree.scan(ScanRange.all());
    }

    private static List<KeyValue> entries(TreeMap<Bytes, Bytes> model) {
        List<KeyValue> out = new ArrayList<>();
        for (Map.Entry<Bytes, Bytes> e : model.entrySet()) {
            out.add(new KeyValue(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static void checkInvariants(RedBlackTree tree, long seed) {
        long indexedKeys = tree.scan(ScanRange.all()).stream().filter(kv -> tree.indexed(kv.key())).count();
        assertThat(tree.index.size()).as("point index holds every indexed node (seed %d)", seed)
            .isEqualTo((int) indexedKeys);
        if (tree.root == null) {
            return;
        }
        assertThat(tree.root.color).as("root is black (seed %d)", seed).isFalse();
        assertThat(tree.root.parent).isNull();
        blackHeight(tree.root, seed);
        indexed(tree, tree.root, seed);
    }

    /**
     * Every node of the tree is the one the point index finds for its key, or, for a key the tree
     * keeps out of the index, one the index does not know.
     */
    private static void indexed(RedBlackTree tree, RedBlackTree.Node n, long seed) {
        if (n == null) {
            return;
        }
        Bytes copy = Bytes.copyOf(n.key.unsafeArray());
        if (tree.indexed(n.key)) {
            assertThat(tree.index.find(n.key, PointIndex.hash(n.key))).as("indexed node (seed %d)", seed).isSameAs(n);
            assertThat(tree.index.find(copy, PointIndex.hash(copy))).as("indexed node by an equal key (seed %d)", seed)
                .isSameAs(n);
        } else {
            assertThat(tree.index.find(copy, PointIndex.hash(copy))).as("unindexed key (seed %d)", seed).isNull();
        }
        indexed(tree, n.left, seed);
        indexed(tree, n.right, seed);
    }

    private static int blackHeight(RedBlackTree.Node n, long seed) {
        if (n == null) {
            return 1;
        }
        for (RedBlackTree.Node child : new RedBlackTree.Node[] {n.left, n.right}) {
            if (child != null) {
                assertThat(child.parent).as("parent link (seed %d)", seed).isSameAs(n);
                if (n.color) {
                    assertThat(child.color).as("red node with red child (seed %d)", seed).isFalse();
                }
            }
        }
        if (n.left != null) {
            assertThat(n.left.key).isLessThan(n.key);
        }
        if (n.right != null) {
            assertThat(n.right.key).isGreaterThan(n.key);
        }
        int left = blackHeight(n.left, seed);
        int right = blackHeight(n.right, seed);
        assertThat(left).as("equal black heights (seed %d)", seed).isEqualTo(right);
        return left + (n.color ? 0 : 1);
    }
}
