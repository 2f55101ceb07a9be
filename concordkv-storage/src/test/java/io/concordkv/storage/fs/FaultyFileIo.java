package io.concordkv.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FileIo} over the real disk that can fail the way disks fail, for fault-injection tests:
 * <ul>
 *   <li>{@link #crash()} cuts every file written through it back to its last synced size, as a
 *       power loss drops what was only in the OS cache, releases every lock it handed out, and
 *       fences every file opened before the crash (their writes and syncs fail), so a test can
 *       abandon a store and reopen the directory in the same JVM;</li>
 *   <li>{@link #failSyncs(boolean)} makes every fsync throw;</li>
 *   <li>{@link #holdSyncs()} makes every fsync wait until {@link #releaseSyncs()};</li>
 *   <li>{@link #diskFullAfter(long)} lets that many more bytes be written, then fails writes with
 *       "No space left on device".</li>
 * </ul>
 * Thread-safe.
 */
public final class FaultyFileIo implements FileIo {
    private final FileIo disk = FileIo.disk();
    private final Map<Path, Long> syncedSize = new ConcurrentHashMap<>();
    private final AtomicLong writeBudget = new AtomicLong(Long.MAX_VALUE);
    private final List<AutoCloseable> locks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong epoch = new AtomicLong();
    private volatile boolean failSyncs;
    /** While set, every fsync waits for it to be opened (a disk that stalls). */
    private volatile java.util.concurrent.CountDownLatch syncGate;

    public void failSyncs(boolean fail) {
        this.failSyncs = fail;
    }

    /** Makes every fsync from now on wait (a stalled disk) until {@link #releaseSyncs()}. */
    public void holdSyncs() {
        syncGate = new java.util.concurrent.CountDownLatch(1);
    }

    public void releaseSyncs() {
        java.util.concurrent.CountDownLatch gate = syncGate;
        syncGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    public void diskFullAfter(long bytes) {
        writeBudget.set(bytes);
    }

    /** Drops every byte written since the last sync of each file, as a power loss would. */
    public void crash() throws IOException {
        epoch.incrementAndGet();
        for (AutoCloseable lock : locks) {
            try {
                lock.close();
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        locks.clear();
        for (Map.Entry<Path, Long> e : syncedSize.entrySet()) {
            if (disk.exists(e.getKey()) && disk.size(e.getKey()) > e.getValue()) {
                disk.truncate(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public AppendFile openAppend(Path file) throws IOException {
        Path key = file.toAbsolutePath();
        AppendFile real = disk.openAppend(file);
        syncedSize.putIfAbsent(key, real.size());
        long openedIn = epoch.get();
        return new AppendFile() {
            private void checkNotCrashed() throws IOException {
                if (epoch.get() != openedIn) {
                    throw new IOException("file opened before a simulated crash: " + file);
                }
            }

            @Override
            public void write(ByteBuffer data) throws IOException {
                checkNotCrashed();
                if (writeBudget.addAndGet(-data.remaining()) < 0) {
                    throw new IOException("No space left on device");
                }
                real.write(data);
            }

            @Override
            public void sync() throws IOException {
                java.util.concurrent.CountDownLatch gate = syncGate;
                if (gate != null) {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("fsync interrupted");
                    }
                }
                checkNotCrashed();
                if (failSyncs) {
                    throw new IOException("Input/output error (injected fsync failure)");
                }
                long written = real.size();
                real.sync();
                // what was written before the fsync began is durable; later bytes may not be
                syncedSize.merge(key, written, Math::max);
            }

            @Override
            public long size() throws IOException {
                return real.size();
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }

    @Override
    public java.io.InputStream openRead(Path file) throws IOException {
        return disk.openRead(file);
    }

    @Override
    public byte[] readAll(Path file) throws IOException {
        return disk.readAll(file);
    }

    @Override
    public byte[] read(Path file, long offset, int length) throws IOException {
        return disk.read(file, offset, length);
    }

    @Override
    public long size(Path file) throws IOException {
        return disk.size(file);
    }

    @Override
    public boolean exists(Path file) {
        return disk.exists(file);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        return disk.list(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        disk.createDirectories(dir);
    }

    @Override
    public void delete(Path file) throws IOException {
        syncedSize.remove(file.toAbsolutePath());
        disk.delete(file);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        Long synced = syncedSize.remove(source.toAbsolutePath());
        disk.rename(source, target);
        if (synced != null) {
            syncedSize.put(target.toAbsolutePath(), synced);
        }
    }

    @Override
    public void truncate(Path file, long size) throws IOException {
        disk.truncate(file, size);
        syncedSize.put(file.toAbsolutePath(), size);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        if (failSyncs) {
            throw new IOException("Input/output error (injected fsync failure)");
        }
        disk.syncDirectory(dir);
    }

    @Override
    public AutoCloseable lock(Path file) throws IOException {
        AutoCloseable lock = disk.lock(file);
        locks.add(lock);
        return () -> {
            if (locks.remove(lock)) {
                lock.close();
            }
        };
    }
}
