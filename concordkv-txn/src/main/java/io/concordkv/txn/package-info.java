/**
 * Multi-version concurrency control and transactions over the embedded store.
 *
 * <p>Filled in by the MVCC store and the transaction layer; see {@code docs/transactions.md}.
 */
package io.concordkv.txn;
