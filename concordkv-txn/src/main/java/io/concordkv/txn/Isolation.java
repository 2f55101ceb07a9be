package io.concordkv.txn;

/**
 * Isolation levels of interactive transactions; {@code docs/transactions.md} lists what each
 * prevents and allows.
 */
public enum Isolation {
    /** Each read sees the latest committed data; no dirty reads. Non-repeatable reads, phantoms and lost updates can happen. */
    READ_COMMITTED,
    /**
     * Snapshot isolation: every read sees the snapshot at the start revision, and of two concurrent
     * transactions writing the same key the first to commit wins. Write skew can happen.
     */
    REPEATABLE_READ,
    /** Snapshot isolation plus read-set validation at commit: equivalent to a serial order (the commit order). */
    SERIALIZABLE
}
