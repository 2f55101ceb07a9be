package io.concordkv.raft.transport;

import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 variable-length integers: seven bits a byte, low bits first, the high bit set on
 * every byte but the last. A {@code long} is read as unsigned 64 bits, so every value (negative ones
 * too) round-trips, in 1 to 10 bytes. Reading is in {@link WireReader}.
 */
final class Varint {
    /** The most bytes a 64-bit value takes. */
    static final int MAX_BYTES = 10;

    private Varint() {
    }

    /** Bytes {@code value} takes. */
    static int size(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }

    static void write(ByteBuffer dst, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            dst.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        dst.put((byte) v);
    }
}
