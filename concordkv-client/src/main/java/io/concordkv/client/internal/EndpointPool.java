package io.concordkv.client.internal;

import io.concordkv.client.Endpoint;
import io.concordkv.client.EndpointStats;
import io.concordkv.client.internal.balance.Target;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One endpoint: its pool of gRPC channels (requests rotate over them), its health flag and the
 * load it carries (requests in flight, totals, a moving average of latency).
 *
 * <p>Thread-safety: every method may be called from any thread; counters are atomic and the
 * latency average is updated by compare-and-set.
 */
public final class EndpointPool implements Target, HealthChecker.Subject {
    /** Weight of a new sample in the latency moving average, as 1/8. */
    private static final int EWMA_SHIFT = 3;

    private final Endpoint endpoint;
    private final List<ManagedChannel> channels;
    private final AtomicInteger nextChannel = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong latencyNanos = new AtomicLong();
    private volatile boolean healthy = true;

    public EndpointPool(Endpoint endpoint, List<ManagedChannel> channels) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("an endpoint needs at least one channel");
        }
        this.endpoint = endpoint;
        this.channels = List.copyOf(channels);
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public String id() {
        return endpoint.toString();
    }

    /** The next channel of the pool, in turn. */
    public ManagedChannel channel() {
        return channels.get(Math.floorMod(nextChannel.getAndIncrement(), channels.size()));
    }

    /** Records the start of an attempt on this endpoint. */
    public void begin() {
        outstanding.incrementAndGet();
        requests.increment();
    }

    /** Records the end of an attempt begun with {@link #begin()}. */
    public void end(long elapsedNanos, boolean ok) {
        outstanding.decrementAndGet();
        if (!ok) {
            failures.increment();
            return;
        }
        long sample = Math.max(1, elapsedNanos);
        latencyNanos.accumulateAndGet(sample, (avg, s) -> avg == 0 ? s : avg + ((s - avg) >> EWMA_SHIFT));
    }

    @Override
    public int outstanding() {
        return outstanding.get();
    }

    @Override
    public long latencyNanos() {
        return latencyNanos.get();
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    @Override
    public void markHealthy(boolean value) {
        healthy = value;
    }

    /** Lets channels in reconnect backoff try again now (used before probing a down endpoint). */
    public void resetConnectBackoff() {
        channels.forEach(ManagedChannel::resetConnectBackoff);
    }

    public EndpointStats stats() {
        return new EndpointStats(endpoint, healthy, outstanding.get(), requests.sum(), failures.sum(),
            Duration.ofNanos(latencyNanos.get()));
    }

    /** Closes every channel, waiting briefly for calls in flight. */
    public void close() {
        channels.forEach(ManagedChannel::shutdown);
        for (ManagedChannel c : channels) {
            try {
                if (!c.awaitTermination(1, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.shutdownNow();
            }
        }
    }

    @Override
    public String toString() {
        return "EndpointPool[" + endpoint + (healthy ? "" : ", down") + "]";
    }
}
