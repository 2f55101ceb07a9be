package io.concordkv.client;

import io.concordkv.api.Bytes;
import java.util.List;

/**
 * What the server knows about a lease.
 *
 * @param id the lease id
 * @param ttlSeconds remaining seconds, -1 when the lease has expired or never existed
 * @param grantedTtlSeconds the TTL the lease was granted with
 * @param keys keys attached to the lease, when asked for
 */
public record LeaseTimeToLive(long id, long ttlSeconds, long grantedTtlSeconds, List<Bytes> keys) {
    public LeaseTimeToLive {
        keys = List.copyOf(keys);
    }

    /** Whether the lease is still alive. */
    public boolean alive() {
        return ttlSeconds > 0;
    }
}
