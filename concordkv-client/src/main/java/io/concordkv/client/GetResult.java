package io.concordkv.client;

import java.util.List;
import java.util.Optional;

/**
 * The result of a range read.
 *
 * @param revision store revision the read saw
 * @param kvs the key-values found, in key order (empty for count-only reads)
 * @param count number of keys in the range (before the limit)
 * @param more whether the limit left keys out
 */
public record GetResult(long revision, List<KeyValue> kvs, long count, boolean more) implements OpResult {
    public GetResult {
        kvs = List.copyOf(kvs);
    }

    /** The first key-value, if any: the value of a single-key read. */
    public Optional<KeyValue> first() {
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
    }
}
