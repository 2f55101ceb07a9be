package io.concordkv.storage;

import io.concordkv.api.Bytes;
import java.util.Objects;

/** One entry returned by a scan. */
public record KeyValue(Bytes key, Bytes value) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
