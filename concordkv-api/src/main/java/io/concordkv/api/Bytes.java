package io.concordkv.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable byte string: the key and value type of ConcordKV.
 *
 * <p>Ordered by unsigned lexicographic comparison, so {@code 0x00 < 0x7F < 0x80 < 0xFF} and a
 * prefix sorts before every longer string that extends it. {@link #wrap(byte[])} takes ownership
 * of the array (the caller must not change it afterwards); {@link #copyOf(byte[])} copies it.
 * Immutable and thread-safe.
 */
public final class Bytes implements Comparable<Bytes> {
    /** The empty byte string. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] data;
    /**
     * {@code data.length}, kept beside the reference so that size checks do not load the array
     * (a cache miss on a lookup that may never need the bytes). Free: the object stays 24 bytes.
     */
    private final int length;
    private int hash;

    private Bytes(byte[] data) {
        this.data = data;
        this.length = data.length;
    }

    /** Wraps {@code data} without copying; the caller gives up the right to modify it. */
    public static Bytes wrap(byte[] data) {
        if (data.length == 0) {
            return EMPTY;
        }
        return new Bytes(data);
    }

    /** A copy of {@code data}. */
    public static Bytes copyOf(byte[] data) {
        return wrap(data.clone());
    }

    /** A copy of {@code length} bytes of {@code data} from {@code offset}. */
    public static Bytes copyOf(byte[] data, int offset, int length) {
        return wrap(Arrays.copyOfRange(data, offset, offset + length));
    }

    /** The UTF-8 encoding of {@code text}. */
    public static Bytes utf8(String text) {
        return wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Number of bytes. */
    public int length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** The byte at {@code index}, as a value from 0 to 255. */
    public int byteAt(int index) {
        return data[index] & 0xFF;
    }

    /** A fresh copy of the bytes. */
    public byte[] toByteArray() {
        return data.clone();
    }

    /**
     * The backing array, not a copy: for engines and codecs that must avoid a copy on a hot path.
     * The caller must never modify it.
     */
    public byte[] unsafeArray() {
        return data;
    }

    /** The bytes decoded as UTF-8 (malformed input replaced). */
    public String toUtf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Lower-case hexadecimal form. */
    public String toHex() {
        char[] out = new char[data.length * 2];
        for (int i = 0; i < data.length; i++) {
            out[2 * i] = HEX[(data[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[data[i] & 0xF];
        }
        return new String(out);
    }

    /** Whether this byte string starts with {@code prefix}. */
    public boolean startsWith(Bytes prefix) {
        return prefix.data.length <= data.length
            && Arrays.equals(data, 0, prefix.data.length, prefix.data, 0, prefix.data.length);
    }

    @Override
    public int compareTo(Bytes other) {
        return Arrays.compareUnsigned(data, other.data);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Bytes other && length == other.length && Arrays.equals(data, other.data);
    }

    /**
     * A hash of the bytes, cached. Computed eight bytes at a time (a multiply and a shift per
     * word, then the tail), which for the 17–25-byte keys of the MVCC store is several times
     * faster than {@link Arrays#hashCode(byte[])}'s byte-by-byte chain. Not stable across versions;
     * nothing stores it.
     */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = hashOf(data);
            hash = h;
        }
        return h;
    }

    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static int hashOf(byte[] d) {
        long h = d.length * 0x9E3779B97F4A7C15L;
        int i = 0;
        for (; i + Long.BYTES <= d.length; i += Long.BYTES) {
            h = (h ^ (long) LONGS.get(d, i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        long tail = 0;
        for (int j = d.length - 1; j >= i; j--) {
            tail = tail << 8 | (d[j] & 0xFF);
        }
        h = (h ^ tail) * 0x94D049BB133111EBL;
        return (int) (h ^ h >>> 32);
    }

    /** Hex form with the length, never the raw content: safe for logs. */
    @Override
    public String toString() {
        if (data.length <= 32) {
            return "Bytes[" + data.length + "]" + toHex();
        }
        return "Bytes[" + data.length + "]" + Bytes.wrap(Arrays.copyOf(data, 32)).toHex() + "...";
    }
}
