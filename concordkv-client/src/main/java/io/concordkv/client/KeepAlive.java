package io.concordkv.client;

import java.util.concurrent.CompletableFuture;

/**
 * A running keep-alive of one lease: the client refreshes the lease at a third of its TTL until
 * closed. Thread-safe.
 */
public interface KeepAlive extends AutoCloseable {
    /** The lease being kept alive. */
    long leaseId();

    /** TTL in seconds of the last refresh the server confirmed, 0 before the first. */
    long lastTtlSeconds();

    /**
     * Completes normally when closed; fails (for example with {@link LeaseNotFoundException}) when
     * the lease is lost and refreshing stopped.
     */
    CompletableFuture<Void> done();

    /** Stops refreshing; the lease then expires after its TTL unless revoked. Idempotent. */
    @Override
    void close();
}
