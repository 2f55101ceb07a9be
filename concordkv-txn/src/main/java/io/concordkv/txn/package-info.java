/**
 * Multi-version concurrency control and transactions over the embedded store
 * ({@link io.concordkv.storage.KvStore}): what {@code docs/transactions.md} describes.
 *
 * <p>{@link io.concordkv.txn.MvccStore} is the entry point: revisions (one per committed write,
 * from a {@link io.concordkv.txn.TimestampSource}), reads at any retained revision, history
 * compaction, single-round conditional transactions ({@link io.concordkv.txn.TxnRequest}) and
 * interactive ones ({@link io.concordkv.txn.Transaction}) at three
 * {@link io.concordkv.txn.Isolation} levels in two {@link io.concordkv.txn.ConcurrencyMode}s, and
 * images of the whole state for replicas.
 *
 * <p>Invariants: revisions are strictly increasing and commit order is revision order is log
 * order; a reader at revision R sees every commit up to R and none after; a transaction's writes
 * become visible all at once. Everything here is thread-safe except a {@code Transaction}, which
 * one thread uses at a time. The on-disk layout is in {@code io.concordkv.txn.internal}.
 *
 * <h2>Store images, format 1</h2>
 *
 * {@link io.concordkv.txn.MvccStore#writeImage} writes, and
 * {@link io.concordkv.txn.MvccStore#restoreImage} reads, the whole MVCC state of a store at one
 * revision: the raw records of the layout in {@code io.concordkv.txn.internal} (every retained
 * version with its create and mod revisions, version, lease and history links, the tombstones,
 * the system records) and the counters. Big-endian throughout:
 * <pre>
 *   image   = header body crc
 *   header  = magic "CKVIMAGE" (8 bytes) | version u16 (1) | layout u16 (2; 1 is read too)
 *             | revision u64 | compacted u64 | crc32c u32 of the 28 header bytes before it
 *   body    = record* | 0x00 | count u64 (the number of records)
 *   record  = 0x01 | keyLength u32 | key | valueLength u32 | value
 *   crc     = crc32c u32 of the whole body (from the first record's tag through count)
 * </pre>
 * {@code revision} is the store's current revision, {@code compacted} its compacted revision
 * ({@code compacted <= revision}); {@code layout} is the version of the record layout. A record is
 * one key and value of the layout, exactly as the store keeps them: history versions
 * ({@code 'h' be64(rev) userKey}, rev the revision that replaced the version; in layout 1, the
 * version's own mod revision), then latest versions ({@code 'k' userKey}, tombstones
 * included), then system records ({@code 's' name}), in strictly ascending unsigned key order.
 * Metadata ({@code 'm'}) is not carried: the header holds what it says. The image ends with the
 * checksum (nothing may follow it).
 *
 * <p>A reader refuses, with {@code CORRUPTION}, an image whose magic, header checksum, body
 * checksum or count is wrong, that is truncated or followed by anything, whose keys are out of
 * order or outside those namespaces, or whose versions do not decode or disagree with their keys
 * or the header (a latest version newer than {@code revision} or marked superseded; a history
 * version whose key names another revision, or superseded after {@code revision}); with
 * {@code UNSUPPORTED} another version or layout. A record over the reading store's size limits is
 * refused as too large once the checksum is known to be good.
 *
 * <p>Restoring writes the records, {@code 'm' "compact"} when {@code compacted > 0}, and
 * {@code 'm' "rev"} when no latest version (nor the compacted revision) reaches
 * {@code revision}; the store's layout version record stays. A store restored from an image, and
 * then opened again, holds the same state as the store the image was taken from at
 * {@code revision}, and writes the same image byte for byte.
 */
package io.concordkv.txn;
