package io.concordkv.raft.transport;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential reconnection backoff with jitter. Attempt {@code n} (from 0) waits a delay drawn
 * uniformly from {@code [max(min, b/2), b]}, where {@code b = min(max, min * 2^n)}: the first retry
 * waits exactly {@code min}, later ones spread out so that members that lost a peer together do
 * not all call it again at the same instant. {@link #reset()} starts again from {@code min}.
 *
 * <p>Not thread-safe: one peer's event loop owns it. The {@link Random} is injected so tests can
 * seed it.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final Random random;
    private int attempt;

    Backoff(Duration min, Duration max, Random random) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.random = random;
    }

    /** The delay before the next attempt, in milliseconds; each call moves to the next attempt. */
    long nextDelayMillis() {
        long base = maxMillis;
        if (attempt < 62 && minMillis <= maxMillis >> attempt) {
            base = Math.min(maxMillis, minMillis << attempt);
        }
        attempt = Math.min(attempt + 1, 62);
        long low = Math.max(minMillis, base / 2);
        return low + (base > low ? random.nextLong(base - low + 1) : 0);
    }

    void reset() {
        attempt = 0;
    }
}
