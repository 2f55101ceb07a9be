package io.concordkv.client;

/**
 * A granted lease.
 *
 * @param id the lease id, to attach keys with {@link Op.Put#withLease(long)}
 * @param ttlSeconds time to live the server chose (it may raise a too-small request)
 */
public record LeaseGrant(long id, long ttlSeconds) {
}
