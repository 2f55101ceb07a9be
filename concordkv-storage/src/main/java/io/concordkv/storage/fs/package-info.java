/**
 * The file-system seam: every file the durability layer touches goes through {@link
 * io.concordkv.storage.fs.FileIo}, so tests can inject faults (torn writes, lost unsynced bytes,
 * failing fsync, a full disk) exactly where real disks fail. {@link io.concordkv.storage.fs.DiskFileIo}
 * is the real implementation over {@link java.nio.channels.FileChannel}.
 *
 * <p>Thread-safety: a {@code FileIo} may be used from any thread; an {@link
 * io.concordkv.storage.fs.AppendFile} is used by one thread at a time (its owner serialises).
 */
package io.concordkv.storage.fs;
