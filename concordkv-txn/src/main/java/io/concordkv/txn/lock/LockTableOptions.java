package io.concordkv.txn.lock;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link StripedLockTable} is built. Immutable; any thread may use it.
 *
 * @param stripes number of independent stripes the keys are hashed over, each with its own lock;
 *     a power of two, at least 1; default {@value #DEFAULT_STRIPES}. More stripes mean less
 *     contention between transactions that lock different keys.
 * @param deadlockCheckInterval how often the background detector searches the whole wait-for
 *     graph, as a backstop to the search run whenever a request blocks; positive; default 100 ms
 */
public record LockTableOptions(int stripes, Duration deadlockCheckInterval) {
    /** The default number of stripes. */
    public static final int DEFAULT_STRIPES = 64;
    /** The default period of the background deadlock search. */
    public static final Duration DEFAULT_DEADLOCK_CHECK_INTERVAL = Duration.ofMillis(100);

    public LockTableOptions {
        Objects.requireNonNull(deadlockCheckInterval, "deadlockCheckInterval");
        if (stripes < 1 || Integer.bitCount(stripes) != 1) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT,
                "stripes must be a power of two of at least 1, got " + stripes);
        }
        if (deadlockCheckInterval.isNegative() || deadlockCheckInterval.isZero()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT,
                "deadlockCheckInterval must be positive, got " + deadlockCheckInterval);
        }
    }

    /** {@value #DEFAULT_STRIPES} stripes, a background deadlock search every 100 ms. */
    public static LockTableOptions defaults() {
        return new LockTableOptions(DEFAULT_STRIPES, DEFAULT_DEADLOCK_CHECK_INTERVAL);
    }

    public LockTableOptions withStripes(int count) {
        return new LockTableOptions(count, deadlockCheckInterval);
    }

    public LockTableOptions withDeadlockCheckInterval(Duration interval) {
        return new LockTableOptions(stripes, interval);
    }
}
