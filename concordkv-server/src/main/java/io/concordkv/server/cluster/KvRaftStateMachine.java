package io.concordkv.server.cluster;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.node.StateMachine;
import io.concordkv.server.apply.CommandCodec;
import io.concordkv.server.apply.KvStateMachine;

/**
 * The node's {@link KvStateMachine} behind Raft's {@link StateMachine}: each committed entry is a
 * {@link CommandCodec encoded} write command, applied synchronously in log order. Snapshots of the
 * store are not produced yet: a cluster member keeps its whole log (followers always catch up
 * from it, and a restart replays it), see docs/cluster.md.
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
        throw new KvException(ErrorCode.UNSUPPORTED, "store snapshots for Raft are not implemented yet");
    }

    @Override
    public void restore(byte[] image) {
        throw new KvException(ErrorCode.UNSUPPORTED, "installing a store snapshot is not implemented yet");
    }
}
