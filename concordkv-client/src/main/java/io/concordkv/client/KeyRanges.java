package io.concordkv.client;

import io.concordkv.api.Bytes;
import java.util.Arrays;

/** Key-range arithmetic of the etcd API (range ends, prefixes). */
final class KeyRanges {
    /** etcd's range end meaning "every key from the start key on". */
    static final Bytes ALL_FROM_KEY = Bytes.wrap(new byte[] {0});

    private KeyRanges() {
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}: the prefix with its
     * last byte below 0xFF incremented and the rest dropped; {@link #ALL_FROM_KEY} when every byte
     * is 0xFF (or the prefix is empty), as etcd does.
     */
    static Bytes prefixEnd(Bytes prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xFF) != 0xFF) {
                end[i]++;
                return Bytes.wrap(Arrays.copyOf(end, i + 1));
            }
        }
        return ALL_FROM_KEY;
    }
}
