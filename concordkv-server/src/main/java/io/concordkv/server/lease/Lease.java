package io.concordkv.server.lease;

import io.concordkv.api.Bytes;
import java.util.List;

/**
 * A lease as a caller sees it.
 *
 * @param id the lease id
 * @param grantedTtlSeconds the TTL it was granted with
 * @param remainingTtlSeconds seconds until it expires unless kept alive (0 when expired)
 * @param keys the keys attached to it (only when asked for)
 */
public record Lease(long id, long grantedTtlSeconds, long remainingTtlSeconds, List<Bytes> keys) {
    public Lease {
        keys = List.copyOf(keys);
    }
}
