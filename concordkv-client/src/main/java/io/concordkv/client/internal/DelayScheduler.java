package io.concordkv.client.internal;

import java.time.Duration;

/**
 * Runs tasks after a delay: backoff waits, health-check rounds, batch timeouts, lease refreshes.
 * Production uses {@link ExecutorDelayScheduler}; tests drive time by hand. Implementations are
 * thread-safe.
 */
public interface DelayScheduler {
    /** Runs {@code task} once after {@code delay}; the handle cancels it if it has not run. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
