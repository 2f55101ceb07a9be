/**
 * Multi-version concurrency control and transactions over the embedded store
 * ({@link io.concordkv.storage.KvStore}): what {@code docs/transactions.md} describes.
 *
 * <p>{@link io.concordkv.txn.MvccStore} is the entry point: revisions (one per committed write,
 * from a {@link io.concordkv.txn.TimestampSource}), reads at any retained revision, history
 * compaction, single-round conditional transactions ({@link io.concordkv.txn.TxnRequest}) and
 * interactive ones ({@link io.concordkv.txn.Transaction}) at three
 * {@link io.concordkv.txn.Isolation} levels in two {@link io.concordkv.txn.ConcurrencyMode}s.
 *
 * <p>Invariants: revisions are strictly increasing and commit order is revision order is log
 * order; a reader at revision R sees every commit up to R and none after; a transaction's writes
 * become visible all at once. Everything here is thread-safe except a {@code Transaction}, which
 * one thread uses at a time. The on-disk layout is in {@code io.concordkv.txn.internal}.
 */
package io.concordkv.txn;
