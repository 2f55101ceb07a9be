package io.concordkv.txn;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.lock.LockTableOptions;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Options of an {@link MvccStore}.
 *
 * @param store the embedded store underneath (engine, fsync policy, limits, ...)
 * @param retainRevisions automatic history compaction keeps at least this many revisions
 *     (0 = off); it runs in the background once the history is a tenth longer than that
 * @param retainAge automatic history compaction keeps every revision younger than this
 *     ({@code Duration.ZERO} = off); checked every {@code maintenanceInterval}
 * @param maintenanceInterval how often the background task looks for timed-out transactions and
 *     age-based compaction work
 * @param locks the pessimistic lock table (stripes, deadlock check interval)
 * @param timestamps where revisions come from
 */
public record MvccOptions(StoreOptions store, long retainRevisions, Duration retainAge, Duration maintenanceInterval,
                          LockTableOptions locks, Supplier<TimestampSource> timestamps) {
    /** The default number of revisions automatic compaction keeps. */
    public static final long DEFAULT_RETAIN_REVISIONS = 10_000;

    public MvccOptions {
        if (retainRevisions < 0 || retainAge.isNegative() || maintenanceInterval.isNegative()
            || maintenanceInterval.isZero()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "retainRevisions and retainAge must be >= 0 "
                + "and the maintenance interval > 0");
        }
    }

    /** Defaults over {@code store}: keep 10,000 revisions, no age limit, maintenance every 50 ms. */
    public static MvccOptions defaults(StoreOptions store) {
        return new MvccOptions(store, DEFAULT_RETAIN_REVISIONS, Duration.ZERO, Duration.ofMillis(50),
            LockTableOptions.defaults(), LocalTimestampSource::new);
    }

    public MvccOptions withRetainRevisions(long revisions) {
        return new MvccOptions(store, revisions, retainAge, maintenanceInterval, locks, timestamps);
    }

    public MvccOptions withRetainAge(Duration age) {
        return new MvccOptions(store, retainRevisions, age, maintenanceInterval, locks, timestamps);
    }

    public MvccOptions withMaintenanceInterval(Duration interval) {
        return new MvccOptions(store, retainRevisions, retainAge, interval, locks, timestamps);
    }

    public MvccOptions withLocks(LockTableOptions lockOptions) {
        return new MvccOptions(store, retainRevisions, retainAge, maintenanceInterval, lockOptions, timestamps);
    }

    public MvccOptions withStore(StoreOptions storeOptions) {
        return new MvccOptions(storeOptions, retainRevisions, retainAge, maintenanceInterval, locks, timestamps);
    }
}
