package io.concordkv.storage;

/**
 * What {@link KvStore#snapshot()} wrote.
 *
 * @param full whether it was a full snapshot (else incremental)
 * @param index the log index it covers
 * @param entries keys written (changed keys and tombstones, for an incremental)
 * @param bytes size of the snapshot file
 * @param segmentsDropped log segments deleted because the snapshot covers them
 */
public record SnapshotInfo(boolean full, long index, long entries, long bytes, int segmentsDropped) {
}
