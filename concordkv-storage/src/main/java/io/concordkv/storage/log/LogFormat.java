package io.concordkv.storage.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Encoding of segment headers and records; see the package documentation. Stateless. */
final class LogFormat {
    static final byte[] MAGIC = "CKVWAL\0\1".getBytes(StandardCharsets.ISO_8859_1);
    static final int HEADER_BYTES = 24;
    /** length + crc. */
    static final int RECORD_PREFIX_BYTES = 8;
    /** type + index. */
    static final int RECORD_FIXED_BODY_BYTES = 9;
    static final String SUFFIX = ".wal";

    private LogFormat() {
    }

    static String segmentName(long firstIndex, int generation) {
        return String.format("%020d-%04d%s", firstIndex, generation, SUFFIX);
    }

    static boolean isSegmentName(String name) {
        return name.matches("\\d{20}-\\d{4}\\.wal");
    }

    static ByteBuffer header(long firstIndex, int generation) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.put(MAGIC).putLong(firstIndex).putInt(generation);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 20);
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    /** Bytes a record with {@code payloadLength} bytes of payload takes on disk. */
    static int recordBytes(int payloadLength) {
        return RECORD_PREFIX_BYTES + RECORD_FIXED_BODY_BYTES + payloadLength;
    }

    /** Writes one record at {@code out}'s position. */
    static void putRecord(ByteBuffer out, long index, byte type, byte[] payload) {
        putRecord(out, index, type, SegmentedLog.Payload.of(payload));
    }

    /** As {@link #putRecord(ByteBuffer, long, byte, byte[])}, the payload written in place. */
    static void putRecord(ByteBuffer out, long index, byte type, SegmentedLog.Payload payload) {
        int start = out.position();
        int length = RECORD_FIXED_BODY_BYTES + payload.length();
        out.putInt(length).putInt(0).put(type).putLong(index);
        try {
            payload.writeTo(out);
        } catch (RuntimeException e) {
            // a payload that ran past the space it asked for: nothing of the record stays
            out.position(start);
            throw e;
        }
        int written = out.position() - start - RECORD_PREFIX_BYTES - RECORD_FIXED_BODY_BYTES;
        if (written != payload.length()) {
            // leave the buffer as it was: a record of the wrong length would fail its own checksum
            out.position(start);
            throw new IllegalStateException("payload wrote " + written + " bytes, said " + payload.length());
        }
        out.putInt(start + 4, recordCrc(out, start, length));
    }

    /**
     * The CRC32C of a record's length field and body, which start at {@code start}. Every append
     * and every record a scan reads (recovery, each pass of log compaction) computes one: a heap
     * buffer's bytes are read in place, without the two buffer views a direct one needs.
     */
    static int recordCrc(ByteBuffer buffer, int start, int length) {
        CRC32C crc = new CRC32C();
        if (buffer.hasArray()) {
            byte[] array = buffer.array();
            int at = buffer.arrayOffset() + start;
            crc.update(array, at, 4);
            crc.update(array, at + RECORD_PREFIX_BYTES, length);
            return (int) crc.getValue();
        }
        crc.update(buffer.duplicate().position(start).limit(start + 4));
        crc.update(buffer.duplicate().position(start + RECORD_PREFIX_BYTES)
            .limit(start + RECORD_PREFIX_BYTES + length));
        return (int) crc.getValue();
    }
}
