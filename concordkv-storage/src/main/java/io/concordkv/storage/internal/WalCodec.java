package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.log.SegmentedLog;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of a write-ahead-log record of type {@link #BATCH}: one {@link WriteBatch}.
 * Big-endian:
 * <pre>
 *   op count u32, then per op:
 *     kind u8 (1 = put, 2 = delete, 3 = range delete) | key length u32 | key
 *     | (put) value length u32 | value
 *     | (range delete; the key is the range's first) end length u32 | end (exclusive)
 * </pre>
 * Stateless.
 */
public final class WalCodec {
    /** Log record type of an encoded write batch. */
    public static final byte BATCH = 1;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte DELETE_RANGE = 3;

    private WalCodec() {
    }

    public static byte[] encode(WriteBatch batch) {
        SegmentedLog.Payload payload = payload(batch);
        ByteBuffer out = ByteBuffer.allocate(payload.length());
        payload.writeTo(out);
        return out.array();
    }

    /** {@code batch}'s encoding as a log payload, written in place when the log appends it. */
    public static SegmentedLog.Payload payload(WriteBatch batch) {
        return new BatchPayload(batch, encodedLength(batch));
    }

    private record BatchPayload(WriteBatch batch, int length) implements SegmentedLog.Payload {
        @Override
        public void writeTo(ByteBuffer out) {
            encodeInto(batch, out);
        }
    }

    private static int encodedLength(WriteBatch batch) {
        long size = 4;
        for (WriteBatch.Op op : batch.ops()) {
            size += 5 + op.key().length();
            if (op instanceof WriteBatch.Put put) {
                size += 4 + put.value().length();
            } else if (op instanceof WriteBatch.DeleteRange range) {
                size += 4 + range.to().length();
            }
        }
        if (size > Integer.MAX_VALUE - 64) {
            throw new KvException(ErrorCode.REQUEST_TOO_LARGE, "write batch too large to log: " + size + " bytes");
        }
        return (int) size;
    }

    private static void encodeInto(WriteBatch batch, ByteBuffer out) {
        out.putInt(batch.size());
        for (WriteBatch.Op op : batch.ops()) {
            out.put(op instanceof WriteBatch.Put ? PUT : op instanceof WriteBatch.DeleteRange ? DELETE_RANGE : DELETE);
            out.putInt(op.key().length()).put(op.key().unsafeArray());
            if (op instanceof WriteBatch.Put put) {
                out.putInt(put.value().length()).put(put.value().unsafeArray());
            } else if (op instanceof WriteBatch.DeleteRange range) {
                out.putInt(range.to().length()).put(range.to().unsafeArray());
            }
        }
    }

    /**
     * Decodes a payload written by {@link #encode}.
     *
     * @throws KvException {@code CORRUPTION} when the payload is malformed (its record passed
     *     the checksum, so this means a bug or a foreign file)
     */
    public static WriteBatch decode(byte[] payload) {
        try {
            ByteBuffer in = ByteBuffer.wrap(payload);
            int count = in.getInt();
            if (count < 0 || count > payload.length) {
                throw new KvException(ErrorCode.CORRUPTION, "bad op count " + count + " in log record");
            }
            List<WriteBatch.Op> ops = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte kind = in.get();
                Bytes key = readBytes(in);
                if (kind == PUT) {
                    ops.add(new WriteBatch.Put(key, readBytes(in)));
                } else if (kind == DELETE) {
                    ops.add(new WriteBatch.Delete(key));
                } else if (kind == DELETE_RANGE) {
                    Bytes end = readBytes(in);
                    if (key.compareTo(end) >= 0) {
                        throw new KvException(ErrorCode.CORRUPTION, "empty range delete in log record");
                    }
                    ops.add(new WriteBatch.DeleteRange(key, end));
                } else {
                    throw new KvException(ErrorCode.CORRUPTION, "bad op kind " + kind + " in log record");
                }
            }
            if (in.hasRemaining()) {
                throw new KvException(ErrorCode.CORRUPTION, in.remaining() + " stray bytes after log record ops");
            }
            return WriteBatch.of(ops);
        } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new KvException(ErrorCode.CORRUPTION, "truncated write batch in log record", e);
        }
    }

    /** What an op does, for {@link KeyRangeVisitor}. */
    public enum Kind { PUT, DELETE, DELETE_RANGE }

    /**
     * Receives the ops of an encoded batch as key positions in the payload (nothing is copied):
     * the key, and then for a {@link Kind#PUT} its value, for a {@link Kind#DELETE_RANGE} the
     * range's exclusive end ({@code -1, -1} for a delete).
     */
    @FunctionalInterface
    public interface KeyRangeVisitor {
        void op(int index, Kind kind, int keyOffset, int keyLength, int endOffset, int endLength);
    }

    /**
     * Visits every op of a payload written by {@link #encode} without copying anything: the key is
     * {@code payload[keyOffset, keyOffset + keyLength)}. For log compaction, which reads every record.
     *
     * @throws KvException {@code CORRUPTION} when the payload is malformed
     */
    public static void forEachKeyRange(byte[] payload, KeyRangeVisitor visitor) {
        try {
            ByteBuffer in = ByteBuffer.wrap(payload);
            int count = in.getInt();
            if (count < 0 || count > payload.length) {
                throw new KvException(ErrorCode.CORRUPTION, "bad op count " + count + " in log record");
            }
            for (int i = 0; i < count; i++) {
                byte kind = in.get();
                if (kind != PUT && kind != DELETE && kind != DELETE_RANGE) {
                    throw new KvException(ErrorCode.CORRUPTION, "bad op kind " + kind + " in log record");
                }
                int keyOffset = in.position() + 4;
                int keyLength = skipBytes(in);
                int endOffset = -1;
                int endLength = -1;
                if (kind == PUT || kind == DELETE_RANGE) {
                    endOffset = in.position() + 4;
                    endLength = skipBytes(in);
                }
                visitor.op(i, kind == PUT ? Kind.PUT : kind == DELETE ? Kind.DELETE : Kind.DELETE_RANGE,
                    keyOffset, keyLength, endOffset, endLength);
            }
        } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new KvException(ErrorCode.CORRUPTION, "truncated write batch in log record", e);
        }
    }

    /** The payload with only the ops whose {@code keep} flag is set, copied as they are. */
    public static byte[] retain(byte[] payload, boolean[] keep) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        int count = in.getInt();
        ByteBuffer out = ByteBuffer.allocate(payload.length);
        int kept = 0;
        out.putInt(0);
        for (int i = 0; i < count; i++) {
            int start = in.position();
            byte kind = in.get();
            skipBytes(in);
            if (kind == PUT || kind == DELETE_RANGE) {
                skipBytes(in);
            }
            if (keep[i]) {
                out.put(payload, start, in.position() - start);
                kept++;
            }
        }
        out.putInt(0, kept);
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    /** Skips a length-prefixed byte string; returns its length. */
    private static int skipBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new KvException(ErrorCode.CORRUPTION, "bad length " + length + " in log record");
        }
        in.position(in.position() + length);
        return length;
    }

    private static Bytes readBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new KvException(ErrorCode.CORRUPTION, "bad length " + length + " in log record");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return Bytes.wrap(bytes);
    }
}
