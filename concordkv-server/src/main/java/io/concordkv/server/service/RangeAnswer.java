package io.concordkv.server.service;

import io.concordkv.txn.KeyVersion;
import java.util.List;

/**
 * What a range read returns.
 *
 * @param kvs the keys (without values when keys-only; empty when count-only)
 * @param more whether the limit cut the answer short
 * @param count how many keys the range holds at the revision (before the limit and filters, as etcd counts)
 * @param revision the revision read at
 */
public record RangeAnswer(List<KeyVersion> kvs, boolean more, long count, long revision) {
    public RangeAnswer {
        kvs = List.copyOf(kvs);
    }
}
