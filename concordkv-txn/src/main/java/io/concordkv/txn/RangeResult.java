package io.concordkv.txn;

import java.util.List;

/**
 * What a range read found.
 *
 * @param kvs the live keys in the range at {@code revision}, in key order (reversed if asked), at most the limit
 * @param more whether keys past the limit were left out
 * @param revision the revision read at
 */
public record RangeResult(List<KeyVersion> kvs, boolean more, long revision) {
    public RangeResult {
        kvs = List.copyOf(kvs);
    }
}
