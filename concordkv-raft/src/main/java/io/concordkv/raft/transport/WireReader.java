package io.concordkv.raft.transport;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.nio.ByteBuffer;

/**
 * Reads the fields of an encoded message from a buffer and checks each against the bytes that are
 * left, so that a forged count or length fails at once instead of allocating for it. Every failure
 * is a {@link KvException} with {@link ErrorCode#CORRUPTION} naming the field. Not thread-safe.
 */
final class WireReader {
    private final ByteBuffer in;

    WireReader(ByteBuffer in) {
        this.in = in;
    }

    static KvException malformed(String what) {
        return new KvException(ErrorCode.CORRUPTION, "malformed raft message: " + what);
    }

    int remaining() {
        return in.remaining();
    }

    int u8(String field) {
        if (!in.hasRemaining()) {
            throw malformed(field + " missing (message truncated)");
        }
        return in.get() & 0xFF;
    }

    long varint(String field) {
        long value = 0;
        for (int i = 0; i < Varint.MAX_BYTES; i++) {
            int b = u8(field);
            if (i == Varint.MAX_BYTES - 1 && b > 1) {
                throw malformed(field + " overflows 64 bits");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw malformed(field + " overflows 64 bits");
    }

    /**
     * A count of items that each take at least {@code minBytesEach} bytes: checked against the bytes
     * left, so it can size a collection safely.
     */
    int count(String field, int minBytesEach) {
        long n = varint(field);
        if (n < 0 || n > in.remaining() / minBytesEach) {
            throw malformed(field + " " + Long.toUnsignedString(n) + " exceeds the " + in.remaining()
                + " bytes left");
        }
        return (int) n;
    }

    /** A length-prefixed byte string, copied out. */
    byte[] bytes(String field) {
        int n = count(field + " length", 1);
        byte[] out = new byte[n];
        in.get(out);
        return out;
    }

    void expectEnd() {
        if (in.hasRemaining()) {
            throw malformed(in.remaining() + " bytes after the end of the message");
        }
    }
}
