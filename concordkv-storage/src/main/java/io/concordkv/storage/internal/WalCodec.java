package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.WriteBatch;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of a write-ahead-log record of type {@link #BATCH}: one {@link WriteBatch}.
 * Big-endian:
 * <pre>
 *   op count u32, then per op:
 *     kind u8 (1 = put, 2 = delete) | key length u32 | key | (put only) value length u32 | value
 * </pre>
 * Stateless.
 */
public final class WalCodec {
    /** Log record type of an encoded write batch. */
    public static final byte BATCH = 1;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;

    private WalCodec() {
    }

    public static byte[] encode(WriteBatch batch) {
        long size = 4;
        for (WriteBatch.Op op : batch.ops()) {
            size += 5 + op.key().length();
            if (op instanceof WriteBatch.Put put) {
                size += 4 + put.value().length();
            }
        }
        if (size > Integer.MAX_VALUE - 64) {
            throw new KvException(ErrorCode.REQUEST_TOO_LARGE, "write batch too large to log: " + size + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.putInt(batch.size());
        for (WriteBatch.Op op : batch.ops()) {
            out.put(op instanceof WriteBatch.Put ? PUT : DELETE);
            out.putInt(op.key().length()).put(op.key().unsafeArray());
            if (op instanceof WriteBatch.Put put) {
                out.putInt(put.value().length()).put(put.value().unsafeArray());
            }
        }
        return out.array();
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

    /** Receives the ops of an encoded batch as key positions in the payload (nothing is copied). */
    @FunctionalInterface
    public interface KeyRangeVisitor {
        void op(int index, boolean put, int keyOffset, int keyLength);
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
                if (kind != PUT && kind != DELETE) {
                    throw new KvException(ErrorCode.CORRUPTION, "bad op kind " + kind + " in log record");
                }
                int keyLength = in.getInt();
                int keyOffset = in.position();
                if (keyLength < 0 || keyLength > in.remaining()) {
                    throw new KvException(ErrorCode.CORRUPTION, "bad length " + keyLength + " in log record");
                }
                in.position(keyOffset + keyLength);
                if (kind == PUT) {
                    skipBytes(in);
                }
                visitor.op(i, kind == PUT, keyOffset, keyLength);
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
            if (kind == PUT) {
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

    private static void skipBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new KvException(ErrorCode.CORRUPTION, "bad length " + length + " in log record");
        }
        in.position(in.position() + length);
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
