package io.concordkv.check;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A wall-clock budget for one check, read from an injected nanosecond clock. Single-threaded. */
final class Deadline {
    private final LongSupplier nanoClock;
    private final long start;
    private final long budget;

    Deadline(Duration limit, LongSupplier nanoClock) {
        if (limit.isNegative()) {
            throw new IllegalArgumentException("negative time limit: " + limit);
        }
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.budget = saturatedNanos(limit);
    }

    /** Whether the budget is spent. */
    boolean expired() {
        return elapsedNanos() >= budget;
    }

    /** Nanoseconds since the check began. */
    long elapsedNanos() {
        return nanoClock.getAsLong() - start;
    }

    private static long saturatedNanos(Duration limit) {
        try {
            return limit.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
