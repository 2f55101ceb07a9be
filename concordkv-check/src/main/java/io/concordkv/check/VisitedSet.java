package io.concordkv.check;

import java.util.Arrays;

/**
 * The search's memo: the (linearized set, register state) pairs already reached. Reaching one
 * again means the rest of the search from there is already known to fail, so it is pruned; this
 * is what makes the Wing-Gong-Lowe search fast on linearizable histories.
 *
 * <p>An open-addressing hash table (linear probing, load at most one half) of the pair's hash,
 * the state and a copy of the set's words; a copy is made only when a pair is new.
 * Single-threaded.
 */
final class VisitedSet {
    private static final int INITIAL_CAPACITY = 1 << 10;
    private static final int ARRAY_HEADER_BYTES = 16;
    /** A slot's hash, state and reference (a compressed or a full one). */
    private static final int SLOT_BYTES = Long.BYTES + Integer.BYTES + Long.BYTES;

    private long[] hashes = new long[INITIAL_CAPACITY];
    private int[] states = new int[INITIAL_CAPACITY];
    private long[][] sets = new long[INITIAL_CAPACITY][];
    private int size;
    private long setBytes;

    /** Adds the pair; whether it was new. */
    boolean add(LinearizedSet set, int state) {
        long hash = LinearizedSet.mix(set.hash() ^ ((long) state << 32 | state));
        long[] words = set.words();
        int mask = sets.length - 1;
        int slot = (int) (hash ^ (hash >>> 32)) & mask;
        while (sets[slot] != null) {
            if (hashes[slot] == hash && states[slot] == state && Arrays.equals(sets[slot], words)) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        hashes[slot] = hash;
        states[slot] = state;
        sets[slot] = words.clone();
        setBytes += ARRAY_HEADER_BYTES + Long.BYTES * words.length;
        if (++size * 2 > sets.length) {
            grow();
        }
        return true;
    }

    /** The number of pairs reached. */
    int size() {
        return size;
    }

    /** Roughly the heap the memo holds. */
    long approximateBytes() {
        return setBytes + (long) SLOT_BYTES * sets.length;
    }

    private void grow() {
        long[] oldHashes = hashes;
        int[] oldStates = states;
        long[][] oldSets = sets;
        int capacity = oldSets.length * 2;
        hashes = new long[capacity];
        states = new int[capacity];
        sets = new long[capacity][];
        int mask = capacity - 1;
        for (int i = 0; i < oldSets.length; i++) {
            if (oldSets[i] != null) {
                int slot = (int) (oldHashes[i] ^ (oldHashes[i] >>> 32)) & mask;
                while (sets[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                hashes[slot] = oldHashes[i];
                states[slot] = oldStates[i];
                sets[slot] = oldSets[i];
            }
        }
    }
}
