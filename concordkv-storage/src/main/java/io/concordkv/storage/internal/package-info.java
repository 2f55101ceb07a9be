/**
 * Engine implementations; not an API. Other modules open engines through
 * {@link io.concordkv.storage.StorageEngines} and must not import this package (the architecture
 * test enforces it).
 *
 * <p>Each engine assumes validated input: {@link io.concordkv.storage.internal.GuardedEngine}
 * checks limits and the closed state before delegating. Locking per engine:
 * <ul>
 *   <li>{@code ArrayEngine}, {@code RedBlackTreeEngine}: one {@code ReentrantReadWriteLock}; reads
 *       share it, writes and batches hold it exclusively.</li>
 *   <li>{@code StripedHashEngine}: one {@code StampedLock} per segment, optimistic point reads; a batch write-locks the
 *       segments it touches in ascending order, a scan read-locks all segments in ascending order,
 *       so the two cannot deadlock and a scan never sees half a batch.</li>
 *   <li>{@code RocksDbEngine}: RocksDB is thread-safe; a read-write lock only keeps calls from
 *       racing with close (which would free native memory under them).</li>
 * </ul>
 *
 * <p>Files: only {@code RocksDbEngine} writes, in RocksDB's own format in its data directory.
 */
package io.concordkv.storage.internal;
