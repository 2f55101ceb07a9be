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

/**
 * {@link FileIo} on the real file system, through {@link FileChannel}. Thread-safe.
 *
 * <p>A thread interrupt never fails or closes anything here. Java closes a {@code FileChannel},
 * for every thread using it, when a thread that is interrupted enters or is blocked in one of its
 * operations; a writer whose task was cancelled would otherwise turn the whole store read-only.
 * So each operation runs with the caller's interrupt held back and set again afterwards, a
 * channel closed by an interrupt that came during the operation is reopened, and the operation,
 * a positional write or a sync (both idempotent), is done again ({@link ReopeningChannel}).
 *
 * <p>A reopened descriptor does not hear of a write-back error that came before it was opened
 * (Linux reports such an error to the descriptors open at the time), so an error on bytes written
 * before the interrupt would go unreported to a sync through the new one. Each channel therefore
 * keeps a witness, a descriptor opened with it and used for nothing else (so no interrupt closes
 * it), and the first sync after a reopen also syncs through the witness: the error, if any, fails
 * that sync as it would have failed the old one.
 */
final class DiskFileIo implements FileIo {
    static final DiskFileIo INSTANCE = new DiskFileIo();

    private DiskFileIo() {
    }

    @Override
    public AppendFile openAppend(Path file) throws IOException {
        ReopeningChannel channel = ReopeningChannel.open(file);
        return new ChannelAppendFile(channel, channel.call(FileChannel::size));
    }

    @Override
    public AppendFile openLog(Path file) throws IOException {
        ReopeningChannel channel = ReopeningChannel.open(file);
        return new PreallocatedAppendFile(channel, channel.call(FileChannel::size));
    }

    /** A plain {@link java.io.FileInputStream}: unlike a channel's stream, an interrupt does not close it. */
    @Override
    public java.io.InputStream openRead(Path file) throws IOException {
        try {
            return new java.io.FileInputStream(file.toFile());
        } catch (java.io.FileNotFoundException e) {
            if (!Files.exists(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
            throw e;
        }
    }

    @Override
    public byte[] readAll(Path file) throws IOException {
        return uninterruptibly(() -> Files.readAllBytes(file));
    }

    @Override
    public byte[] read(Path file, long offset, int length) throws IOException {
        return uninterruptibly(() -> {
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
        });
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
        uninterruptibly(() -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(size);
                channel.force(true);
            }
            return null;
        });
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        uninterruptibly(() -> {
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            }
            return null;
        });
    }

    /**
     * The lock lives as long as its channel, so the channel is never used again after
     * {@code tryLock}: nothing can close it but {@code close}.
     */
    @Override
    public AutoCloseable lock(Path file) throws IOException {
        return uninterruptibly(() -> {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                throw new IOException(file + " is locked by another process (or this one)");
            }
            FileLock held = lock;
            return (AutoCloseable) () -> {
                held.release();
                channel.close();
            };
        });
    }

    /** An I/O call on a channel of its own, which {@link #uninterruptibly} may run again. */
    @FunctionalInterface
    interface IoCall<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code call} with the caller's interrupt held back, and again (on new channels) when an
     * interrupt that came during it closed its channel; sets the interrupt again afterwards.
     */
    static <T> T uninterruptibly(IoCall<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return call.run();
                } catch (java.nio.channels.ClosedByInterruptException e) {
                    Thread.interrupted();
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** An operation on a shared channel; called again, on a reopened channel, if an interrupt closed it. */
    @FunctionalInterface
    interface ChannelCall<T> {
        T run(FileChannel channel) throws IOException;
    }

    /**
     * A write channel that an interrupt cannot take away from the other threads using it: when one
     * closes it, the next operation to find it closed opens the file again. Only {@link #close}
     * closes it for good. Thread-safe.
     */
    static final class ReopeningChannel implements AutoCloseable {
        private final Path file;
        private volatile FileChannel channel;
        /** Opened with the first channel, never used but to sync after a reopen: see the class comment. */
        private final java.io.RandomAccessFile witness;
        private volatile boolean reopened;
        private volatile boolean closed;

        private ReopeningChannel(Path file, FileChannel channel, java.io.RandomAccessFile witness) {
            this.file = file;
            this.channel = channel;
            this.witness = witness;
        }

        /** Opens {@code file} for writing, creating it if absent. */
        static ReopeningChannel open(Path file) throws IOException {
            return uninterruptibly(() -> {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                try {
                    return new ReopeningChannel(file, channel, new java.io.RandomAccessFile(file.toFile(), "r"));
                } catch (IOException e) {
                    channel.close();
                    throw e;
                }
            });
        }

        /**
         * Forces what was written to disk ({@code metadata}: with the file's size, as fsync; else
         * fdatasync); after a reopen, through the witness too (an fsync, which an interrupt cannot stop).
         */
        void force(boolean metadata) throws IOException {
            call(ch -> {
                ch.force(metadata);
                return null;
            });
            if (reopened) {
                reopened = false;
                witness.getFD().sync();
            }
        }

        /** Runs {@code call} (which must be idempotent) with the caller's interrupt held back. */
        <T> T call(ChannelCall<T> call) throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                while (true) {
                    FileChannel current = channel;
                    try {
                        return call.run(current);
                    } catch (java.nio.channels.ClosedChannelException e) {
                        // ClosedByInterrupt: ours, come during the call; AsynchronousClose or a plain
                        // ClosedChannel: another thread's interrupt closed it under or before us
                        if (closed) {
                            throw e;
                        }
                        interrupted |= Thread.interrupted();
                        reopen(current);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private synchronized void reopen(FileChannel failed) throws IOException {
            if (channel == failed && !closed) {
                channel = uninterruptibly(() -> FileChannel.open(file, StandardOpenOption.WRITE));
                reopened = true;
            }
        }

        boolean isOpen() {
            return !closed;
        }

        @Override
        public synchronized void close() throws IOException {
            closed = true;
            try (witness) {
                channel.close();
            }
        }
    }

    /** Writes {@code data} at {@code at} on {@code channel}; returns the offset after it. */
    private static long writeAt(ReopeningChannel channel, ByteBuffer data, long at) throws IOException {
        long position = at;
        while (data.hasRemaining()) {
            int from = data.position();
            long to = position;
            position += channel.call(ch -> {
                data.position(from);
                return ch.write(data, to);
            });
        }
        return position;
    }

    /** An append-only file: positional writes at its end. */
    private static final class ChannelAppendFile implements AppendFile {
        private final ReopeningChannel channel;
        private volatile long end;

        ChannelAppendFile(ReopeningChannel channel, long end) {
            this.channel = channel;
            this.end = end;
        }

        @Override
        public void write(ByteBuffer data) throws IOException {
            end = writeAt(channel, data, end);
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

        private final ReopeningChannel channel;
        /** End of the appended bytes; the writer's alone, read by {@link #size()}. */
        private volatile long end;
        /** End of the zeros written ahead. */
        private long allocated;

        PreallocatedAppendFile(ReopeningChannel channel, long end) {
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
                    allocated = writeAt(channel, ZEROS.duplicate(), allocated);
                }
            }
            end = writeAt(channel, data, at);
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
                if (channel.isOpen() && channel.call(FileChannel::size) > end) {
                    channel.call(ch -> ch.truncate(end));
                    channel.force(true);
                }
            }
        }
    }
}
