package io.concordkv.storage.snapshot;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.AppendFile;
import io.concordkv.storage.fs.FileIo;
import io.concordkv.storage.WriteBatch;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/** Writes and reads snapshot files; the format is in the package documentation. Stateless. */
public final class SnapshotFile {
    /** Full or incremental. */
    public enum Kind { FULL, INCREMENTAL }

    /**
     * A snapshot's identity, from its header.
     *
     * @param kind full or incremental
     * @param index the log index it covers
     * @param baseIndex for an incremental, the index of the snapshot it builds on (0 for full)
     * @param entries entries in the file (known after a read)
     */
    public record Header(Kind kind, long index, long baseIndex, long entries) {
    }

    private static final byte[] MAGIC = "CKVSNAP\1".getBytes(StandardCharsets.ISO_8859_1);
    private static final int HEADER_BYTES = 29;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte END = 0;

    private SnapshotFile() {
    }

    /** The file name of a snapshot at {@code index}. */
    public static String name(Kind kind, long index) {
        return String.format("%020d.%s", index, kind == Kind.FULL ? "full" : "incr");
    }

    /**
     * Writes a snapshot of {@code entries} (ascending keys; a {@link WriteBatch.Delete} is a
     * tombstone) durably and atomically as {@code dir/name(kind, index)}. Returns its size.
     */
    public static long write(FileIo io, Path dir, Kind kind, long index, long baseIndex,
                             Iterator<WriteBatch.Op> entries) throws IOException {
        String name = name(kind, index);
        Path temp = dir.resolve(name + ".tmp");
        io.delete(temp);
        long size;
        try (AppendFile out = io.openAppend(temp)) {
            out.write(header(kind, index, baseIndex));
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            long count = 0;
            while (entries.hasNext()) {
                WriteBatch.Op op = entries.next();
                byte[] key = op.key().unsafeArray();
                byte[] value = op instanceof WriteBatch.Put p ? p.value().unsafeArray() : null;
                int needed = 9 + key.length + (value == null ? 0 : value.length);
                if (buffer.remaining() < needed) {
                    flush(out, buffer, crc);
                    if (buffer.capacity() < needed) {
                        buffer = ByteBuffer.allocate(needed);
                    }
                }
                buffer.put(value == null ? DELETE : PUT).putInt(key.length).put(key);
                if (value != null) {
                    buffer.putInt(value.length).put(value);
                }
                count++;
            }
            flush(out, buffer, crc);
            out.write(ByteBuffer.allocate(13).put(END).putLong(count).putInt((int) crc.getValue()).flip());
            out.sync();
            size = out.size();
        }
        io.rename(temp, dir.resolve(name));
        io.syncDirectory(dir);
        return size;
    }

    private static void flush(AppendFile out, ByteBuffer buffer, CRC32C crc) throws IOException {
        buffer.flip();
        crc.update(buffer.duplicate());
        out.write(buffer);
        buffer.clear();
    }

    private static ByteBuffer header(Kind kind, long index, long baseIndex) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.put(MAGIC).put((byte) (kind == Kind.FULL ? 1 : 2)).putLong(index).putLong(baseIndex);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 25);
        return b.putInt((int) crc.getValue()).flip();
    }

    /**
     * Reads every entry of {@code file} into {@code visitor} (a tombstone as a
     * {@link WriteBatch.Delete}) and checks the checksums.
     *
     * @throws KvException {@code CORRUPTION} naming the file and byte offset of the problem
     */
    public static Header read(FileIo io, Path file, Consumer<WriteBatch.Op> visitor) throws IOException {
        try (InputStream raw = io.openRead(file)) {
            CountingInput counting = new CountingInput(new BufferedInputStream(raw, 1 << 16));
            DataInputStream in = new DataInputStream(counting);
            byte[] head = new byte[HEADER_BYTES];
            in.readFully(head);
            ByteBuffer h = ByteBuffer.wrap(head);
            CRC32C headerCrc = new CRC32C();
            headerCrc.update(head, 0, 25);
            if (!Arrays.equals(head, 0, 8, MAGIC, 0, 8) || h.getInt(25) != (int) headerCrc.getValue()) {
                throw corrupt(file, 0, "bad snapshot header");
            }
            Kind kind = head[8] == 1 ? Kind.FULL : Kind.INCREMENTAL;
            long index = h.getLong(9);
            long base = h.getLong(17);
            CRC32C crc = new CRC32C();
            long count = 0;
            while (true) {
                long offset = counting.position;
                byte entryKind = in.readByte();
                if (entryKind == END) {
                    long stored = in.readLong();
                    int storedCrc = in.readInt();
                    if (stored != count || storedCrc != (int) crc.getValue()) {
                        throw corrupt(file, offset, "trailer does not match the entries (count " + stored + " vs " + count
                            + ", or checksum)");
                    }
                    if (in.read() != -1) {
                        throw corrupt(file, counting.position, "bytes after the trailer");
                    }
                    return new Header(kind, index, base, count);
                }
                visitor.accept(readEntry(in, entryKind, crc, file, offset));
                count++;
            }
        } catch (EOFException e) {
            throw corrupt(file, -1, "file ends before its trailer");
        }
    }

    /** Reads only the header of {@code file}. */
    public static Header readHeader(FileIo io, Path file) throws IOException {
        byte[] head = io.read(file, 0, HEADER_BYTES);
        if (head.length < HEADER_BYTES || !Arrays.equals(head, 0, 8, MAGIC, 0, 8)) {
            throw corrupt(file, 0, "bad snapshot header");
        }
        ByteBuffer h = ByteBuffer.wrap(head);
        return new Header(head[8] == 1 ? Kind.FULL : Kind.INCREMENTAL, h.getLong(9), h.getLong(17), -1);
    }

    private static WriteBatch.Op readEntry(DataInputStream in, byte kind, CRC32C crc, Path file, long offset)
            throws IOException {
        if (kind != PUT && kind != DELETE) {
            throw corrupt(file, offset, "bad entry kind " + kind);
        }
        byte[] key = readField(in, file, offset);
        ByteBuffer lengths = ByteBuffer.allocate(5).put(kind).putInt(key.length);
        crc.update(lengths.array());
        crc.update(key);
        if (kind == DELETE) {
            return new WriteBatch.Delete(Bytes.wrap(key));
        }
        byte[] value = readField(in, file, offset);
        crc.update(ByteBuffer.allocate(4).putInt(value.length).array());
        crc.update(value);
        return new WriteBatch.Put(Bytes.wrap(key), Bytes.wrap(value));
    }

    private static byte[] readField(DataInputStream in, Path file, long offset) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 256 * 1024 * 1024) {
            throw corrupt(file, offset, "bad field length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static KvException corrupt(Path file, long offset, String why) {
        return new KvException(ErrorCode.CORRUPTION, "corrupt snapshot " + file
            + (offset >= 0 ? " at offset " + offset : "") + ": " + why);
    }

    /** Counts the bytes read, for error offsets. */
    private static final class CountingInput extends java.io.FilterInputStream {
        long position;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                position++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }
}
