package io.concordkv.client;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.Objects;

/**
 * How to begin an interactive transaction ({@link TransactionClient#begin(TxnSpec)}).
 *
 * <p>A zero duration means the server's default: 10 s for {@code timeout}, 1 s for
 * {@code lockWait}, 5 s for {@code idleTimeout}. Durations are sent in whole milliseconds.
 *
 * @param isolation the isolation level
 * @param mode optimistic (conflicts found at commit) or pessimistic (locks taken by
 *     {@link InteractiveTxn#getForUpdate} and by writes)
 * @param readOnly whether the transaction may only read
 * @param timeout longest life of the whole transaction; the server rolls it back after it
 * @param lockWait longest wait for one lock (pessimistic mode)
 * @param idleTimeout the server rolls the transaction back after this long without a call
 */
public record TxnSpec(Isolation isolation, Mode mode, boolean readOnly, Duration timeout, Duration lockWait,
                      Duration idleTimeout) {
    /** Isolation levels, from the weakest. */
    public enum Isolation { READ_COMMITTED, REPEATABLE_READ, SERIALIZABLE }

    /** Concurrency control. */
    public enum Mode { OPTIMISTIC, PESSIMISTIC }

    public TxnSpec {
        Objects.requireNonNull(isolation, "isolation");
        Objects.requireNonNull(mode, "mode");
        for (Duration d : new Duration[] {timeout, lockWait, idleTimeout}) {
            Objects.requireNonNull(d, "duration");
            if (d.isNegative()) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "transaction durations must be >= 0: " + d);
            }
        }
    }

    /** SERIALIZABLE, OPTIMISTIC, read-write, server-default durations (the server's own defaults). */
    public static TxnSpec defaults() {
        return new TxnSpec(Isolation.SERIALIZABLE, Mode.OPTIMISTIC, false, Duration.ZERO, Duration.ZERO,
            Duration.ZERO);
    }

    /** The defaults with {@code isolation} and {@code mode}. */
    public static TxnSpec of(Isolation isolation, Mode mode) {
        return defaults().withIsolation(isolation).withMode(mode);
    }

    public TxnSpec withIsolation(Isolation level) {
        return new TxnSpec(level, mode, readOnly, timeout, lockWait, idleTimeout);
    }

    public TxnSpec withMode(Mode m) {
        return new TxnSpec(isolation, m, readOnly, timeout, lockWait, idleTimeout);
    }

    /** This spec for a read-only transaction. */
    public TxnSpec asReadOnly() {
        return new TxnSpec(isolation, mode, true, timeout, lockWait, idleTimeout);
    }

    public TxnSpec withTimeout(Duration d) {
        return new TxnSpec(isolation, mode, readOnly, d, lockWait, idleTimeout);
    }

    public TxnSpec withLockWait(Duration d) {
        return new TxnSpec(isolation, mode, readOnly, timeout, d, idleTimeout);
    }

    public TxnSpec withIdleTimeout(Duration d) {
        return new TxnSpec(isolation, mode, readOnly, timeout, lockWait, d);
    }
}
