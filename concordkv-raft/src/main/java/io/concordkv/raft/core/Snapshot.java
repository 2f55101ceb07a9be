package io.concordkv.raft.core;

/**
 * A state-machine snapshot: its metadata and the state machine's opaque image. The core only
 * carries it; the runtime produces images and installs them, and the transport sends them in
 * chunks. Immutable; callers must not modify data.
 */
public record Snapshot(SnapshotMeta meta, byte[] data) {
    public static final Snapshot EMPTY = new Snapshot(SnapshotMeta.EMPTY, new byte[0]);

    public boolean isEmpty() {
        return meta.index() == 0;
    }
}
