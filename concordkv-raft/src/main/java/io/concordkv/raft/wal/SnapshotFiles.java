package io.concordkv.raft.wal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import io.concordkv.storage.fs.AppendFile;
import io.concordkv.storage.fs.FileIo;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The snapshot image files of one member, {@code <term, 16 hex>-<index, 16 hex>.snap} in one
 * directory; the format is in the package documentation. Writes are atomic (temporary file,
 * fsync, rename, directory fsync). Not thread-safe: the log's writer thread owns it.
 */
final class SnapshotFiles {
    static final String SUFFIX = ".snap";
    static final String TEMP_SUFFIX = ".tmp";
    static final String BROKEN_SUFFIX = ".broken";
    private static final byte[] MAGIC = "CKVRSNP\1".getBytes(StandardCharsets.ISO_8859_1);
    private static final String NAME_PATTERN = "[0-9a-f]{16}-[0-9a-f]{16}\\.snap";

    /** A snapshot file's identity, from its name. */
    record FileId(long term, long index) {
    }

    private final FileIo io;
    private final Path dir;

    SnapshotFiles(FileIo io, Path dir) throws IOException {
        this.io = io;
        this.dir = dir;
        io.createDirectories(dir);
    }

    static String name(long term, long index) {
        return String.format("%016x-%016x%s", term, index, SUFFIX);
    }

    Path path(SnapshotMeta meta) {
        return dir.resolve(name(meta.term(), meta.index()));
    }

    boolean exists(SnapshotMeta meta) {
        return io.exists(path(meta));
    }

    /** Deletes unfinished writes a crash left behind; returns what it deleted. */
    List<String> removeTemps() throws IOException {
        List<String> removed = new ArrayList<>();
        for (String n : io.list(dir)) {
            if (n.endsWith(TEMP_SUFFIX)) {
                io.delete(dir.resolve(n));
                removed.add("removed unfinished snapshot " + dir.resolve(n));
            }
        }
        return removed;
    }

    /** Every complete snapshot file in the directory, in no particular order. */
    List<FileId> list() throws IOException {
        List<FileId> ids = new ArrayList<>();
        for (String n : io.list(dir)) {
            if (n.matches(NAME_PATTERN)) {
                ids.add(new FileId(Long.parseUnsignedLong(n.substring(0, 16), 16),
                    Long.parseUnsignedLong(n.substring(17, 33), 16)));
            }
        }
        return ids;
    }

    /** Writes {@code snap} durably and atomically; returns the file's size. */
    long write(Snapshot snap) throws IOException {
        Path target = path(snap.meta());
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        io.delete(temp);
        long size;
        try (AppendFile out = io.openAppend(temp)) {
            out.write(header(snap));
            out.write(ByteBuffer.wrap(snap.data()));
            out.write(ByteBuffer.allocate(4).putInt(crc(snap.data(), 0, snap.data().length)).flip());
            out.sync();
            size = out.size();
        }
        io.rename(temp, target);
        io.syncDirectory(dir);
        return size;
    }

    /**
     * Reads the snapshot with {@code meta} and checks both checksums and that the file holds
     * exactly that metadata.
     *
     * @throws KvException {@code CORRUPTION} naming the file when it is missing or damaged
     */
    Snapshot read(SnapshotMeta meta) throws IOException {
        Path file = path(meta);
        if (!io.exists(file)) {
            throw corrupt(file, "file is missing");
        }
        byte[] bytes = io.readAll(file);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw corrupt(file, "bad magic");
            }
            b.position(MAGIC.length);
            int metaLength = b.getInt();
            if (metaLength < 0 || metaLength > b.remaining()) {
                throw corrupt(file, "bad metadata length " + metaLength);
            }
            SnapshotMeta stored = RaftRecordCodec.getMeta(b.slice(b.position(), metaLength));
            b.position(b.position() + metaLength);
            long imageLength = b.getLong();
            int headerEnd = b.position();
            if (b.getInt() != crc(bytes, 0, headerEnd)) {
                throw corrupt(file, "header checksum mismatch");
            }
            if (imageLength != (long) bytes.length - b.position() - 4) {
                throw corrupt(file, "image length " + imageLength + " does not match the file size " + bytes.length);
            }
            byte[] image = Arrays.copyOfRange(bytes, b.position(), b.position() + (int) imageLength);
            if (ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt() != crc(image, 0, image.length)) {
                throw corrupt(file, "image checksum mismatch");
            }
            if (!stored.equals(meta)) {
                throw corrupt(file, "holds " + stored + ", the log expects " + meta);
            }
            return new Snapshot(stored, image);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw corrupt(file, "truncated or malformed header");
        }
    }

    void delete(FileId id) throws IOException {
        io.delete(dir.resolve(name(id.term(), id.index())));
    }

    /** Moves a damaged snapshot out of the way (kept for inspection); its new path, or empty when it is missing. */
    Optional<Path> markBroken(SnapshotMeta meta) throws IOException {
        Path file = path(meta);
        if (!io.exists(file)) {
            return Optional.empty();
        }
        Path broken = file.resolveSibling(file.getFileName() + BROKEN_SUFFIX);
        io.rename(file, broken);
        io.syncDirectory(dir);
        return Optional.of(broken);
    }

    private static ByteBuffer header(Snapshot snap) {
        int metaLength = RaftRecordCodec.metaBytes(snap.meta());
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + metaLength + 8 + 4);
        b.put(MAGIC).putInt(metaLength);
        RaftRecordCodec.putMeta(b, snap.meta());
        b.putLong(snap.data().length);
        b.putInt(crc(b.array(), 0, b.position()));
        return b.flip();
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    private static KvException corrupt(Path file, String why) {
        return new KvException(ErrorCode.CORRUPTION, "snapshot file " + file + " is not usable: " + why);
    }
}
