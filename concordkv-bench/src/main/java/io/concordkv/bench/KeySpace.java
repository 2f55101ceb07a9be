package io.concordkv.bench;

import io.concordkv.api.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The data the benchmarks use: {@code n} present keys of 16 bytes ({@code k} and 15 digits),
 * {@code n} absent keys of the same shape ({@code m...}), and one 100-byte value of seeded random
 * bytes. Keys are made up front so the measured loops allocate nothing. Immutable.
 */
public final class KeySpace {
    public static final int KEY_BYTES = 16;
    public static final int VALUE_BYTES = 100;

    private final Bytes[] present;
    private final Bytes[] absent;
    private final Bytes value;

    public KeySpace(int n, long seed) {
        present = new Bytes[n];
        absent = new Bytes[n];
        for (int i = 0; i < n; i++) {
            present[i] = key('k', i);
            absent[i] = key('m', i);
        }
        byte[] v = new byte[VALUE_BYTES];
        new SplittableRandom(seed).nextBytes(v);
        value = Bytes.wrap(v);
    }

    private static Bytes key(char prefix, int i) {
        String s = prefix + String.format("%015d", i);
        return Bytes.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    public int size() {
        return present.length;
    }

    /** The {@code i}-th present key. */
    public Bytes key(int i) {
        return present[i];
    }

    /** The {@code i}-th absent key (never written). */
    public Bytes missingKey(int i) {
        return absent[i];
    }

    public Bytes value() {
        return value;
    }

    /** Writes every present key with the value into {@code target}. */
    public void fill(BenchTarget target) {
        for (Bytes k : present) {
            target.put(k, value);
        }
    }
}
