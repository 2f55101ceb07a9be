package io.concordkv.check;

/**
 * The set of operations linearized so far, as a bitset with a hash kept up to date on every
 * change (Zobrist hashing: the XOR of a fixed pseudo-random word per member), so that looking a
 * search state up costs no pass over the words. Single-threaded.
 */
final class LinearizedSet {
    private final long[] words;
    private long hash;

    LinearizedSet(int size) {
        words = new long[Math.max(1, (size + 63) >>> 6)];
    }

    /** Adds {@code op}, which must not be a member. */
    void add(int op) {
        words[op >>> 6] |= 1L << op;
        hash ^= mix(op);
    }

    /** Removes {@code op}, which must be a member. */
    void remove(int op) {
        words[op >>> 6] &= ~(1L << op);
        hash ^= mix(op);
    }

    boolean contains(int op) {
        return (words[op >>> 6] & 1L << op) != 0;
    }

    long hash() {
        return hash;
    }

    /** The live words; callers must copy them to keep them. */
    long[] words() {
        return words;
    }

    /** SplitMix64's finaliser over the index: well spread, and the same on every run. */
    static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
