package io.concordkv.client;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of a write.
 *
 * @param revision revision of the write
 * @param prevKv the key-value before the write, when asked for and the key existed
 */
public record PutResult(long revision, Optional<KeyValue> prevKv) implements OpResult {
    public PutResult {
        Objects.requireNonNull(prevKv, "prevKv");
    }
}
