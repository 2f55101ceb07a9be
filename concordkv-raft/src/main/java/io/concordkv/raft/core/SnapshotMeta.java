package io.concordkv.raft.core;

/**
 * What a snapshot covers: every entry up to and including {@code index} (of {@code term}), and
 * the configuration in force at that index. {@code index == 0} is "no snapshot".
 */
public record SnapshotMeta(long index, long term, ConfState conf) {
    public static final SnapshotMeta EMPTY = new SnapshotMeta(0, 0, ConfState.EMPTY);
}
