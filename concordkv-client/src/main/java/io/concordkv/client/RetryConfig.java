package io.concordkv.client;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.Objects;

/**
 * How retry-safe calls are retried: at most {@code maxAttempts} attempts in all, all within the
 * call's timeout. A failed attempt moves to another endpoint at once when one is left untried;
 * otherwise the client waits {@code initialBackoff * multiplier^(n-1)} (capped at
 * {@code maxBackoff}), of which the fraction {@code jitter} is random.
 *
 * @param maxAttempts attempts per call, at least 1 (1 = no retry)
 * @param initialBackoff wait before the first retry on an endpoint already tried
 * @param maxBackoff longest wait
 * @param multiplier growth of the wait per attempt, at least 1
 * @param jitter random fraction of each wait, in [0, 1]
 */
public record RetryConfig(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
                          double jitter) {
    /** 4 attempts, 50 ms doubling to at most 1 s, half of each wait random. */
    public static final RetryConfig DEFAULT =
        new RetryConfig(4, Duration.ofMillis(50), Duration.ofSeconds(1), 2.0, 0.5);

    /** No retries at all. */
    public static final RetryConfig NONE = new RetryConfig(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0);

    public RetryConfig {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1 || multiplier < 1.0 || jitter < 0.0 || jitter > 1.0
            || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "invalid retry config: maxAttempts=" + maxAttempts
                + " initialBackoff=" + initialBackoff + " maxBackoff=" + maxBackoff
                + " multiplier=" + multiplier + " jitter=" + jitter);
        }
    }
}
