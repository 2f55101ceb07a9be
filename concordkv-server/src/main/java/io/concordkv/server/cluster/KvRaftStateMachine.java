package io.concordkv.server.cluster;

import io.concordkv.raft.node.StateMachine;
import io.concordkv.server.apply.CommandCodec;
import io.concordkv.server.apply.KvStateMachine;

/**
 * The node's {@link KvStateMachine} behind Raft's {@link StateMachine}: each committed entry is a
 * {@link CommandCodec encoded} write command, applied synchronously in log order. Snapshots are the
 * store's images ({@link KvStateMachine#snapshotLater()}): taken every {@code snapshot-count} entries so
 * the log can be purged behind them, sent to followers too far behind, restored at start.
 */
final class KvRaftStateMachine implements StateMachine {
    private final KvStateMachine machine;

    KvRaftStateMachine(KvStateMachine machine) {
        this.machine = machine;
    }

    @Override
    public Object apply(long index, byte[] command) {
        return machine.apply(CommandCodec.decode(command));
    }

    @Override
    public byte[] snapshot() {
        return machine.snapshot();
    }

    /** The image is built while later entries are applied ({@link KvStateMachine#snapshotLater}). */
    @Override
    public java.util.function.Supplier<byte[]> snapshotLater() {
        return machine.snapshotLater();
    }

    @Override
    public void restore(byte[] image) {
        machine.restore(image);
    }
}
