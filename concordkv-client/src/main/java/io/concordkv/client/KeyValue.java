package io.concordkv.client;

import io.concordkv.api.Bytes;
import java.util.Objects;

/**
 * One key with its value and MVCC metadata, as the server returned it.
 *
 * @param key the key
 * @param value the value ({@link Bytes#EMPTY} for keys-only reads)
 * @param createRevision revision of the last creation of this key
 * @param modRevision revision of the last modification of this key
 * @param version number of modifications since creation (1 after creation)
 * @param lease id of the lease the key is attached to, 0 for none
 */
public record KeyValue(Bytes key, Bytes value, long createRevision, long modRevision, long version,
                       long lease) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
