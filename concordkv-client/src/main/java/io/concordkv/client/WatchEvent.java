package io.concordkv.client;

import java.util.Objects;
import java.util.Optional;

/**
 * One change seen by a watch.
 *
 * @param type whether the key was written or deleted
 * @param kv the key-value after the change (for a deletion: the key, with the deletion's
 *     {@code modRevision})
 * @param prevKv the key-value before the change, when the watch asked for it and there was one
 */
public record WatchEvent(Type type, KeyValue kv, Optional<KeyValue> prevKv) {
    /** The kind of change. */
    public enum Type { PUT, DELETE }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
        Objects.requireNonNull(prevKv, "prevKv");
    }

    /** The revision of the change. */
    public long revision() {
        return kv.modRevision();
    }
}
