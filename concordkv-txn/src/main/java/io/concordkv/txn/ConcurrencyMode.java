package io.concordkv.txn;

/** How an interactive transaction meets concurrent ones. */
public enum ConcurrencyMode {
    /** No locks; conflicts are found when the transaction commits and fail it with the retryable {@code CONFLICT}. */
    OPTIMISTIC,
    /**
     * Locks taken as the transaction goes (exclusive for writes and {@code getForUpdate}, shared
     * for reads under {@code SERIALIZABLE}), held until it ends; waits may end in {@code DEADLOCK}
     * or {@code LOCK_TIMEOUT}.
     */
    PESSIMISTIC
}
