package io.concordkv.server.service;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.ScanRange;
import java.util.Arrays;

/** etcd's key-range conventions, shared by every front end. Stateless. */
public final class KeyRanges {
    private static final Bytes ZERO = Bytes.wrap(new byte[] {0});

    private KeyRanges() {
    }

    /**
     * {@code rangeEnd} empty is the key alone; {@code "\0"} is every key from {@code key} on
     * ({@code key} {@code "\0"} too: every key); an end at or before the key is an empty range;
     * else {@code [key, rangeEnd)}.
     *
     * @throws KvException {@code INVALID_ARGUMENT} for an empty key, as etcd refuses it
     */
    public static ScanRange etcd(Bytes key, Bytes rangeEnd) {
        if (key.isEmpty()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "etcdserver: key is not provided");
        }
        if (rangeEnd.isEmpty()) {
            return single(key);
        }
        if (rangeEnd.equals(ZERO)) {
            return key.equals(ZERO) ? ScanRange.all() : ScanRange.from(key);
        }
        if (rangeEnd.compareTo(key) <= 0) {
            return ScanRange.between(key, key);
        }
        return ScanRange.between(key, rangeEnd);
    }

    /** The key alone. */
    public static ScanRange single(Bytes key) {
        return ScanRange.between(key, Bytes.wrap(Arrays.copyOf(key.unsafeArray(), key.length() + 1)));
    }
}
