package io.concordkv.txn;

import io.concordkv.api.Bytes;
import io.concordkv.txn.internal.VersionRecord;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A put's {@link WriteResult#previous}: the version it replaced when that was live (none when the
 * key was new or deleted), made into a {@link KeyVersion} only when asked for: most callers (a put
 * without etcd's {@code prev_kv}) never look at it, and the store's short put path need not
 * allocate the answer's objects for them. Immutable.
 */
final class ReplacedVersion extends AbstractList<KeyVersion> implements RandomAccess {
    private final Bytes key;
    private final VersionRecord replaced;

    /** {@code replaced}: the version the put replaced, a tombstone included; null for none. */
    ReplacedVersion(Bytes key, VersionRecord replaced) {
        this.key = key;
        this.replaced = replaced;
    }

    @Override
    public int size() {
        return replaced == null || replaced.tombstone() ? 0 : 1;
    }

    @Override
    public KeyVersion get(int index) {
        java.util.Objects.checkIndex(index, size());
        return new KeyVersion(key, replaced.value(), replaced.createRevision(), replaced.modRevision(),
            replaced.version(), replaced.lease());
    }
}
