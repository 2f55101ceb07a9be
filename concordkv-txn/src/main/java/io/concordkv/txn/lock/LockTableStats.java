package io.concordkv.txn.lock;

/**
 * A snapshot of a {@link StripedLockTable}'s counters. Immutable; any thread may use it. The
 * counters are read one by one, not atomically together, so under load they may be a few
 * operations apart.
 *
 * @param waits requests that could not be granted at once and were queued, since the table opened
 * @param deadlocks deadlock victims chosen (one per wait-for cycle broken), since the table opened
 * @param timeouts requests that failed with {@code LOCK_TIMEOUT}, including those with a zero
 *     timeout that could not be granted at once, since the table opened
 * @param locksHeld (owner, key) pairs holding a lock now; an upgrade does not add one
 * @param lastDetectionNanos for the most recent deadlock victim, nanoseconds from the moment the
 *     last edge of its wait-for cycle was added to the moment its {@code acquire} woke up with
 *     {@code DEADLOCK}; 0 before the first
 * @param maxDetectionNanos the largest such latency since the table opened; 0 before the first
 */
public record LockTableStats(
    long waits,
    long deadlocks,
    long timeouts,
    long locksHeld,
    long lastDetectionNanos,
    long maxDetectionNanos) {
}
