package io.concordkv.txn;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;

/**
 * How to run one interactive transaction.
 *
 * @param timeout how long the transaction may stay open; past it the transaction is rolled back,
 *     its locks released, and its next operation fails with {@code TXN_TIMEOUT}
 * @param lockWaitTimeout how long a pessimistic lock request may wait before {@code LOCK_TIMEOUT}
 */
public record TxnOptions(Isolation isolation, ConcurrencyMode mode, boolean readOnly, Duration timeout,
                         Duration lockWaitTimeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(1);

    public TxnOptions {
        if (isolation == null || mode == null) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "isolation and mode are required");
        }
        if (timeout.isNegative() || timeout.isZero() || lockWaitTimeout.isNegative()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT,
                "timeout must be > 0 and lock wait >= 0, got " + timeout + " and " + lockWaitTimeout);
        }
    }

    /** A read-write transaction at {@code isolation} in {@code mode} with the default timeouts. */
    public static TxnOptions of(Isolation isolation, ConcurrencyMode mode) {
        return new TxnOptions(isolation, mode, false, DEFAULT_TIMEOUT, DEFAULT_LOCK_WAIT);
    }

    public TxnOptions withReadOnly(boolean on) {
        return new TxnOptions(isolation, mode, on, timeout, lockWaitTimeout);
    }

    public TxnOptions withTimeout(Duration newTimeout) {
        return new TxnOptions(isolation, mode, readOnly, newTimeout, lockWaitTimeout);
    }

    public TxnOptions withLockWaitTimeout(Duration wait) {
        return new TxnOptions(isolation, mode, readOnly, timeout, wait);
    }
}
