package io.concordkv.txn;

/** Where an interactive transaction is in its life. */
public enum TxnState {
    ACTIVE,
    COMMITTED,
    /** Ended by {@link Transaction#rollback}. */
    ROLLED_BACK,
    /** Ended by a conflict, a deadlock, a lock-wait timeout or its own timeout. */
    ABORTED
}
