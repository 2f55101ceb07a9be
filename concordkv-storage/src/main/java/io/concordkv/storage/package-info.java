/**
 * The storage-engine SPI: one interface, {@link io.concordkv.storage.StorageEngine}, over binary
 * keys and values, and the factory {@link io.concordkv.storage.StorageEngines} that opens an
 * engine by name.
 *
 * <p>Engines:
 * <ul>
 *   <li>{@code array}: a sorted array with binary search; cheapest reads on small data sets,
 *       inserts cost O(n) moves; one read-write lock.</li>
 *   <li>{@code rbtree}: our own red-black tree, with the first 16 key bytes inline in each node,
 *       under one read-write lock.</li>
 *   <li>{@code hash}: a hash table split into lock-striped segments for concurrent point access.
 *       It is <em>unordered</em>: scans are served by a full pass and a sort of the matches
 *       (O(n + m log m) for n keys and m matches), correct but meant for occasional use.</li>
 *   <li>{@code lsm}: RocksDB, for data larger than memory; the only engine that keeps data on
 *       disk by itself.</li>
 * </ul>
 *
 * <p>Invariants every engine keeps (the contract suite {@code StorageEngineContract} checks
 * them): keys are non-empty and at most {@link io.concordkv.storage.EngineLimits#maxKeyBytes()}
 * bytes, values at most {@link io.concordkv.storage.EngineLimits#maxValueBytes()}; a request
 * that breaks a limit fails with {@link io.concordkv.api.KvException} and writes nothing; a
 * {@link io.concordkv.storage.WriteBatch} is applied all-or-nothing and atomically with respect to
 * readers; a scan sees one consistent state; keys order by unsigned bytes.
 *
 * <p>Thread-safety: every engine is safe for any number of concurrent callers. Nothing here
 * writes files except the {@code lsm} engine, whose directory is RocksDB's own format.
 */
package io.concordkv.storage;
