package io.concordkv.storage.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The file operations durable storage needs, behind one interface so tests can replace the disk
 * (the role of LevelDB's {@code Env}). Paths are absolute or relative to the working directory.
 */
public interface FileIo {

    /** The real file system. */
    static FileIo disk() {
        return DiskFileIo.INSTANCE;
    }

    /** Opens {@code file} for appending, creating it if absent; writes go after its current end. */
    AppendFile openAppend(Path file) throws IOException;

    /**
     * Opens {@code file} for appending log records, creating it if absent; writes go after its
     * current end. The file system may allocate space ahead of the end (the disk implementation
     * fills it with zeros, so that a sync flushes data only, not the file's growing size); such
     * space is cut off again by {@link AppendFile#close()}, and after a crash readers must take a
     * run of zeros at the end of a log file for unused space. By default the same as
     * {@link #openAppend(Path)}.
     */
    default AppendFile openLog(Path file) throws IOException {
        return openAppend(file);
    }

    /** A stream over {@code file}'s bytes from the start. */
    java.io.InputStream openRead(Path file) throws IOException;

    /** The whole content of {@code file}. */
    byte[] readAll(Path file) throws IOException;

    /** Reads up to {@code length} bytes from {@code offset}; fewer at the end of the file. */
    byte[] read(Path file, long offset, int length) throws IOException;

    long size(Path file) throws IOException;

    boolean exists(Path file);

    /** The names of the entries of {@code dir}, in no particular order. */
    List<String> list(Path dir) throws IOException;

    void createDirectories(Path dir) throws IOException;

    /** Deletes {@code file} if it exists. */
    void delete(Path file) throws IOException;

    /** Atomically replaces {@code target} with {@code source} (a rename within one directory). */
    void rename(Path source, Path target) throws IOException;

    /**
     * Replaces {@code target} with {@code content} durably and atomically: written to
     * {@code target.tmp}, synced, renamed over {@code target}, directory synced. A crash leaves
     * either the old file or the new one (and perhaps a stale {@code .tmp}).
     */
    default void replaceAtomically(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        delete(temp);
        try (AppendFile out = openAppend(temp)) {
            out.write(java.nio.ByteBuffer.wrap(content));
            out.sync();
        }
        rename(temp, target);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Cuts {@code file} to {@code size} bytes and syncs it. */
    void truncate(Path file, long size) throws IOException;

    /** Makes the directory's entries (creations, renames, deletions) durable. */
    void syncDirectory(Path dir) throws IOException;

    /**
     * Takes an exclusive, process-wide lock on {@code file}, creating it if needed, so that two
     * processes cannot own the same data directory.
     *
     * @throws IOException when another process (or this one) holds the lock
     */
    AutoCloseable lock(Path file) throws IOException;
}
