package io.concordkv.storage;

/**
 * Which of an engine's log records depend on earlier ones: a put that, when replayed, reads what
 * an earlier operation on its own key or another left (the MVCC store files a replaced version in
 * history by naming it, or by putting the key's next version, not by copying it). Log compaction keeps the operation such a put depends on, though
 * a later one on its key supersedes it, for as long as the put itself stays in the log.
 *
 * <p>A put depends on the last operation before it on the key this names, among the records being
 * compacted; one older than those stays anyway (compaction never reaches below them). A log that
 * holds such puts can be compacted only by a store that knows them: {@link KvStore} records that a
 * directory's log does, and refuses to compact it, or snapshot it, without them.
 */
@FunctionalInterface
public interface LogDependencies {
    /** Every record stands alone. */
    LogDependencies NONE = (payload, keyOffset, keyLength, valueOffset, valueLength) -> null;

    /**
     * The key of the operation that the put of {@code payload[keyOffset, keyOffset + keyLength)}
     * with the value {@code payload[valueOffset, valueOffset + valueLength)} depends on, or null
     * when it stands alone. Called for every put compaction reads: it should decide from a byte
     * or two and allocate only for a put that depends.
     */
    byte[] dependency(byte[] payload, int keyOffset, int keyLength, int valueOffset, int valueLength);

    /**
     * The key the put of {@code payload[keyOffset, keyOffset + keyLength)} with the value
     * {@code payload[valueOffset, valueOffset + valueLength)} also writes when replayed, or null
     * when it writes only its own (the MVCC store's put of a key's new version that files the
     * version it replaces under a history key). Such a put's {@link #dependency} lasts only while
     * that key does: once a range delete later in the log removes it, the operation the put
     * depends on is no longer needed, and neither is whatever that one depends on. The store's
     * incremental snapshots count that key as changed.
     */
    default byte[] alsoWrites(byte[] payload, int keyOffset, int keyLength, int valueOffset, int valueLength) {
        return null;
    }

    /**
     * {@link #alsoWrites(byte[], int, int, int, int)} of the put of {@code value} to {@code key}.
     * This default copies both into one array; an engine whose puts may write another key
     * overrides it (the store asks it for every put while it tracks changes for a snapshot, and
     * never asks {@link #NONE}).
     */
    default byte[] alsoWrites(io.concordkv.api.Bytes key, io.concordkv.api.Bytes value) {
        byte[] payload = new byte[key.length() + value.length()];
        System.arraycopy(key.unsafeArray(), 0, payload, 0, key.length());
        System.arraycopy(value.unsafeArray(), 0, payload, key.length(), value.length());
        return alsoWrites(payload, 0, key.length(), key.length(), value.length());
    }
}
