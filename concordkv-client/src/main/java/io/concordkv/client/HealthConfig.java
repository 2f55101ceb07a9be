package io.concordkv.client;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.Objects;

/**
 * The health checker: every {@code interval} each endpoint is probed with a Maintenance.Status
 * call of deadline {@code timeout}. An endpoint that fails {@code retries} consecutive probes is
 * taken out of load balancing; one successful probe puts it back.
 *
 * @param enabled whether to probe at all (when off every endpoint counts as healthy)
 * @param interval time between the end of one round of probes and the start of the next
 * @param timeout deadline of one probe
 * @param retries consecutive failed probes that take an endpoint out, at least 1
 */
public record HealthConfig(boolean enabled, Duration interval, Duration timeout, int retries) {
    /** Probe every 5 s with a 1 s deadline; 3 failures in a row take an endpoint out. */
    public static final HealthConfig DEFAULT =
        new HealthConfig(true, Duration.ofSeconds(5), Duration.ofSeconds(1), 3);

    /** No health checks. */
    public static final HealthConfig DISABLED =
        new HealthConfig(false, Duration.ofSeconds(5), Duration.ofSeconds(1), 3);

    public HealthConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (retries < 1 || interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "invalid health config: interval=" + interval
                + " timeout=" + timeout + " retries=" + retries);
        }
    }
}
