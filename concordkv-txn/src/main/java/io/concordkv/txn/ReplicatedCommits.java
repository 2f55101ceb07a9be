package io.concordkv.txn;

/**
 * How the interactive transactions of a store that is one replica of a replicated state machine
 * (a member of a Raft cluster) reach the others. Such a transaction reads this replica's store, at
 * revisions no older than what the cluster had committed when it asked ({@link #awaitReadable}),
 * buffers its writes, and commits as one conditional transaction through the replicated log: its
 * compares say that nothing it read, and nothing it writes under first-committer-wins, changed
 * since it was read; every replica applies it at the same place in the log and so decides alike.
 * etcd's STM (its {@code concurrency} package) commits the same way; see
 * {@code docs/transactions.md}.
 */
public interface ReplicatedCommits {
    /**
     * Returns once this replica holds every write the cluster committed before the call (a
     * ReadIndex round), so that a read of its published revision is linearizable.
     *
     * @throws io.concordkv.api.KvException {@code UNAVAILABLE} or {@code TIMEOUT} when it cannot tell
     */
    void awaitReadable();

    /**
     * Runs {@code request} through the replicated log and returns its outcome once it is applied,
     * here included.
     */
    TxnResponse commit(TxnRequest request);
}
