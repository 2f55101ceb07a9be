package io.concordkv.storage;

/**
 * Which of an engine's log records depend on earlier ones: a put that, when replayed, reads what
 * an earlier operation on another key left (the MVCC store files a replaced version in history by
 * naming it, not by copying it). Log compaction keeps the operation such a put depends on, though
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
}
