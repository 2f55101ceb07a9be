package io.concordkv.client.internal;

import io.concordkv.client.RetryConfig;
import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with jitter: the wait before retry {@code n} (1-based) is
 * {@code base = min(maxBackoff, initialBackoff * multiplier^(n-1))}, of which the fraction
 * {@code jitter} is drawn at random: {@code base * (1 - jitter) + U[0,1) * base * jitter}.
 *
 * <p>The random source is seeded by the client's configuration, so a run can be replayed.
 * Thread-safe ({@link Random} is).
 */
public final class Backoff {
    private final RetryConfig config;
    private final Random random;

    public Backoff(RetryConfig config, Random random) {
        this.config = config;
        this.random = random;
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry) {
        double base = config.initialBackoff().toNanos() * Math.pow(config.multiplier(), Math.max(0, retry - 1));
        base = Math.min(base, config.maxBackoff().toNanos());
        double jittered = base * (1.0 - config.jitter()) + random.nextDouble() * base * config.jitter();
        return Duration.ofNanos((long) jittered);
    }
}
