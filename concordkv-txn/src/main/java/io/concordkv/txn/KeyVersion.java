package io.concordkv.txn;

import io.concordkv.api.Bytes;

/**
 * A key as read at some revision, with etcd's per-key metadata.
 *
 * @param createRevision revision of the write that created the key (after its last delete)
 * @param modRevision revision of the write that last changed the key
 * @param version number of writes to the key since it was created (1 after the creating put)
 * @param lease the lease the key is attached to, 0 for none
 */
public record KeyVersion(Bytes key, Bytes value, long createRevision, long modRevision, long version, long lease) {
}
