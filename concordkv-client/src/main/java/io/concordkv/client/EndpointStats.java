package io.concordkv.client;

import java.time.Duration;

/**
 * What the client has observed about one endpoint, for monitoring and tests.
 *
 * @param endpoint the endpoint
 * @param healthy whether the health checker currently lets requests go to it
 * @param outstanding requests in flight to it now
 * @param requests requests (attempts) sent to it so far
 * @param failures attempts that failed so far
 * @param latency moving average of its request latency (zero before the first answer)
 */
public record EndpointStats(Endpoint endpoint, boolean healthy, int outstanding, long requests,
                            long failures, Duration latency) {
}
