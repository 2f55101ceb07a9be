package io.concordkv.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Grants, refreshes, inspects and revokes leases. Thread-safe. */
public interface LeaseClient {
    /** Grants a lease of {@code ttlSeconds}; not retried (a retry could grant a second lease). */
    CompletableFuture<LeaseGrant> grantAsync(long ttlSeconds);

    /**
     * Revokes a lease, deleting its keys. Retried (revoking twice is harmless, but the second
     * attempt then fails with {@link LeaseNotFoundException}).
     */
    CompletableFuture<Void> revokeAsync(long leaseId);

    /** Refreshes a lease once; returns its new TTL in seconds. */
    CompletableFuture<Long> keepAliveOnceAsync(long leaseId);

    /** Starts refreshing a lease until the returned handle is closed. */
    KeepAlive keepAlive(long leaseId);

    /** What the server knows about a lease; {@code withKeys} also lists its keys. */
    CompletableFuture<LeaseTimeToLive> timeToLiveAsync(long leaseId, boolean withKeys);

    /** Ids of every live lease. */
    CompletableFuture<List<Long>> listAsync();

    default LeaseGrant grant(long ttlSeconds) {
        return Blocking.await(grantAsync(ttlSeconds));
    }

    default void revoke(long leaseId) {
        Blocking.await(revokeAsync(leaseId));
    }

    default long keepAliveOnce(long leaseId) {
        return Blocking.await(keepAliveOnceAsync(leaseId));
    }

    default LeaseTimeToLive timeToLive(long leaseId, boolean withKeys) {
        return Blocking.await(timeToLiveAsync(leaseId, withKeys));
    }

    default List<Long> list() {
        return Blocking.await(listAsync());
    }
}
