/**
 * Implementations; not an API. Other modules go through {@link io.concordkv.storage.StorageEngines}
 * and {@link io.concordkv.storage.KvStore} and must not import this package (the architecture test
 * enforces it).
 *
 * <p>Engines assume validated input: {@link io.concordkv.storage.internal.GuardedEngine} checks
 * limits and the closed state before delegating. {@code StripedHashEngine} is the exception: it makes
 * the same checks itself, skipping them on a point read that finds its key. Locking per engine:
 * <ul>
 *   <li>{@code LockedSortedEngine} ({@code array} over {@code SortedArray}, {@code rbtree} over
 *       {@code RedBlackTree}): one {@code StampedLock}; optimistic point reads, scans in read
 *       mode, writes and batches exclusive.</li>
 *   <li>{@code StripedHashEngine}: a chained hash table and a {@code StampedLock} per stripe, optimistic point
 *       reads; a batch write-locks the stripes it touches in ascending order, a scan read-locks all
 *       stripes in ascending order, so the two cannot deadlock and a scan never sees half a
 *       batch.</li>
 *   <li>{@code RocksDbEngine}: RocksDB is thread-safe; a {@code StampedLock} in read mode only keeps
 *       calls from racing with close (which frees native memory under them).</li>
 * </ul>
 *
 * <p>The embedded store's write path is here too: {@code GroupCommitWriter} (log, sync, apply, with
 * group commit), {@code EngineWritePath} (for the self-logging lsm engine), {@code WalCodec} (the
 * log record payload) and {@code LogCompactor}.
 *
 * <p>Files: {@code RocksDbEngine} writes RocksDB's own format in its data directory; the log and
 * snapshot formats belong to {@code io.concordkv.storage.log} and {@code io.concordkv.storage.snapshot}.
 */
package io.concordkv.storage.internal;
