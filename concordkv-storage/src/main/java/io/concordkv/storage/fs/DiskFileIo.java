package io.concordkv.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link FileIo} on the real file system, through {@link FileChannel}. Thread-safe. */
final class DiskFileIo implements FileIo {
    static final DiskFileIo INSTANCE = new DiskFileIo();

    private DiskFileIo() {
    }

    @Override
    public AppendFile openAppend(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.position(channel.size());
        return new ChannelAppendFile(channel);
    }

    @Override
    public AppendFile openLog(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return new PreallocatedAppendFile(channel, channel.size());
    }

    @Override
    public java.io.InputStream openRead(Path file) throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public byte[] readAll(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    @Override
    public byte[] read(Path file, long offset, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long available = Math.max(0, channel.size() - offset);
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, available));
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    break;
                }
            }
            return buffer.array();
        }
    }

    @Override
    public long size(Path file) throws IOException {
        return Files.size(file);
    }

    @Override
    public boolean exists(Path file) {
        return Files.exists(file);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            entries.forEach(p -> names.add(p.getFileName().toString()));
            return names;
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("atomic rename not supported for " + source + " -> " + target, e);
        }
    }

    @Override
    public void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
            channel.force(true);
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public AutoCloseable lock(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException(file + " is locked by another process (or this one)");
        }
        FileLock held = lock;
        return () -> {
            held.release();
            channel.close();
        };
    }

    /** An append-only file over a channel positioned at its end. */
    private static final class ChannelAppendFile implements AppendFile {
        private final FileChannel channel;

        ChannelAppendFile(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer data) throws IOException {
            while (data.hasRemaining()) {
                channel.write(data);
            }
        }

        @Override
        public void sync() throws IOException {
            channel.force(false);
        }

        @Override
        public long size() throws IOException {
            return channel.position();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * An append-only file that writes zeros ahead of its end, {@link #CHUNK} bytes at a time, so
     * that appends overwrite allocated blocks within the file's size. An fdatasync then has data to
     * flush but no size change to commit to the file system's journal, which on ext4 takes a
     * quarter to a third off each sync. {@link #close()} cuts the zeros off again (and syncs the
     * cut), so only a file left by a crash ends in zeros.
     */
    private static final class PreallocatedAppendFile implements AppendFile {
        static final int CHUNK = 1 << 20;
        private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024);

        private final FileChannel channel;
        /** End of the appended bytes; the writer's alone, read by {@link #size()}. */
        private volatile long end;
        /** End of the zeros written ahead. */
        private long allocated;

        PreallocatedAppendFile(FileChannel channel, long end) {
            this.channel = channel;
            this.end = end;
            this.allocated = end;
        }

        @Override
        public void write(ByteBuffer data) throws IOException {
            long at = end;
            long needed = at + data.remaining();
            while (allocated < needed) {
                for (long chunkEnd = allocated + CHUNK; allocated < chunkEnd; ) {
                    ByteBuffer zeros = ZEROS.duplicate();
                    allocated += channel.write(zeros, allocated);
                }
            }
            while (data.hasRemaining()) {
                at += channel.write(data, at);
            }
            end = at;
        }

        @Override
        public void sync() throws IOException {
            channel.force(false);
        }

        @Override
        public long size() {
            return end;
        }

        @Override
        public void close() throws IOException {
            try (channel) {
                if (channel.isOpen() && channel.size() > end) {
                    channel.truncate(end);
                    channel.force(true);
                }
            }
        }
    }
}
