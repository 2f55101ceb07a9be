package io.concordkv.txn;

import java.util.List;

/**
 * What a put or delete did.
 *
 * @param revision the revision of the write, or the current revision when it changed nothing
 *     (a delete of absent keys)
 * @param previous the versions it replaced or deleted (etcd's {@code prev_kv})
 */
public record WriteResult(long revision, List<KeyVersion> previous) {
    public WriteResult {
        // a put's replaced version is read only when asked for (it is immutable)
        previous = previous instanceof ReplacedVersion ? previous : List.copyOf(previous);
    }
}
