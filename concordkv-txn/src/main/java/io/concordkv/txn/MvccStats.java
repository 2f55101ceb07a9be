package io.concordkv.txn;

import io.concordkv.storage.StoreStats;

/**
 * A moment's figures of an {@link MvccStore}.
 *
 * @param conflicts transactions aborted by a conflict at commit or at a pessimistic write
 * @param lockWaits pessimistic lock requests that had to wait
 */
public record MvccStats(long revision, long compactedRevision, long activeTransactions, long begun, long commits,
                        long rollbacks, long conflicts, long deadlocks, long lockTimeouts, long timeouts, long lockWaits,
                        long compactions, long versionsCompacted, StoreStats store) {
}
