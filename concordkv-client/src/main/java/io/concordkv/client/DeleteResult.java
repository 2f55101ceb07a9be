package io.concordkv.client;

import java.util.List;

/**
 * The result of a deletion.
 *
 * @param revision store revision after the deletion
 * @param deleted number of keys deleted
 * @param prevKvs the deleted key-values, when asked for
 */
public record DeleteResult(long revision, long deleted, List<KeyValue> prevKvs) implements OpResult {
    public DeleteResult {
        prevKvs = List.copyOf(prevKvs);
    }
}
