package io.concordkv.raft.sim;

import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.MemoryStorage;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.ProposalDroppedException;
import io.concordkv.raft.core.RaftConfig;
import io.concordkv.raft.core.RaftNode;
import io.concordkv.raft.core.ReadState;
import io.concordkv.raft.core.Ready;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One simulated member: a core, its "disk" (a {@link MemoryStorage} that only ever holds what a
 * Ready asked to persist), and its state machine. A crash throws away the core and the state
 * machine and keeps the disk; anything a Ready had not yet persisted is lost.
 */
final class SimNode {
    /** What the cluster does with the node's output. */
    interface Sink {
        void send(Message m);

        void persisted(SimNode node, Ready rd);

        void applied(SimNode node, Entry e);

        /** Returns true to crash the node now, between sending (a leader's) messages and persisting. */
        boolean crashBeforePersist(SimNode node);
    }

    final long id;
    private final RaftConfig config;
    final MemoryStorage disk = new MemoryStorage();
    RaftNode raft;
    SimStateMachine machine = new SimStateMachine();
    boolean up = true;
    private long applied;
    private final int snapshotEvery;
    /** Writes proposed here: (client, seq) → completion (true: took effect). */
    private final Map<Long, Consumer<Boolean>> writes = new HashMap<>();
    private final Map<Long, Consumer<String>> reads = new HashMap<>();
    private final ArrayDeque<ReadState> readsWaiting = new ArrayDeque<>();
    private long nextReadId;

    SimNode(long id, ConfState initial, RaftConfig config, int snapshotEvery) {
        this.id = id;
        this.config = config;
        this.snapshotEvery = snapshotEvery;
        disk.setConfState(initial);
        raft = new RaftNode(config, disk);
    }

    void crash() {
        up = false;
        raft = null;
        machine = new SimStateMachine();
        writes.clear();
        reads.clear();
        readsWaiting.clear();
    }

    void restart(Random random) {
        up = true;
        RaftConfig c = new RaftConfig(id, config.electionTicks(), config.heartbeatTicks(), config.preVote(),
            config.checkQuorum(), config.maxInflight(), config.maxMessageBytes(), config.leaseReads(),
            config.leaseDriftTicks(), random);
        Snapshot snap = disk.snapshot();
        machine.restore(snap.data());
        applied = snap.meta().index();
        raft = new RaftNode(c, disk);
    }

    /** Proposes a write; the callback gets true/false when applied here, nothing when lost. */
    void proposeWrite(SimStateMachine.Command c, Consumer<Boolean> done) {
        try {
            raft.propose(List.of(c.encode()));
            writes.put(key(c.client(), c.seq()), done);
        } catch (ProposalDroppedException e) {
            done.accept(null);
        }
    }

    /**
     * A linearizable read; the callback gets the value ({@link SimCluster#ABSENT} when absent), or
     * null when the read was dropped; nothing if the member crashes first (or is down now).
     */
    void readIfUp(String key, Consumer<String> done) {
        if (!up) {
            return;
        }
        long rid = ++nextReadId;
        reads.put(rid, v -> done.accept(v));
        readKeys.put(rid, key);
        raft.readIndex(ByteBuffer.allocate(8).putLong(rid).array());
    }

    private final Map<Long, String> readKeys = new HashMap<>();

    /** Processes Ready batches until there are none. */
    void drain(Sink sink) {
        while (up && raft.hasReady()) {
            Ready rd = raft.ready();
            if (rd.sendBeforePersist()) {
                rd.messages().forEach(sink::send);
                if (sink.crashBeforePersist(this)) {
                    crash();
                    return;
                }
            }
            rd.hardState().ifPresent(disk::setHardState);
            if (!rd.snapshot().isEmpty()) {
                disk.applySnapshot(rd.snapshot());
            }
            disk.append(rd.entries());
            sink.persisted(this, rd);
            if (!rd.sendBeforePersist()) {
                rd.messages().forEach(sink::send);
            }
            if (!rd.snapshot().isEmpty()) {
                machine.restore(rd.snapshot().data());
                applied = rd.snapshot().meta().index();
            }
            for (Entry e : rd.committedEntries()) {
                apply(e, sink);
            }
            readsWaiting.addAll(rd.readStates());
            raft.advance(rd);
            serveReads();
            maybeSnapshot();
        }
    }

    private void apply(Entry e, Sink sink) {
        applied = e.index();
        sink.applied(this, e);
        if (e.type() != Entry.Type.NORMAL || e.data().length == 0) {
            return;
        }
        SimStateMachine.Command c = SimStateMachine.Command.decode(e.data());
        boolean effect = machine.apply(c);
        Consumer<Boolean> done = writes.remove(key(c.client(), c.seq()));
        if (done != null) {
            done.accept(effect);
        }
    }

    private void serveReads() {
        for (Iterator<ReadState> it = readsWaiting.iterator(); it.hasNext(); ) {
            ReadState rs = it.next();
            long rid = ByteBuffer.wrap(rs.context()).getLong();
            if (rs.dropped()) {
                it.remove();
                Consumer<String> done = reads.remove(rid);
                readKeys.remove(rid);
                if (done != null) {
                    done.accept(null);
                }
            } else if (rs.index() <= applied) {
                it.remove();
                Consumer<String> done = reads.remove(rid);
                String key = readKeys.remove(rid);
                if (done != null) {
                    done.accept(machine.get(key).orElse(SimCluster.ABSENT));
                }
            }
        }
    }

    private void maybeSnapshot() {
        if (snapshotEvery <= 0 || applied - disk.snapshot().meta().index() < snapshotEvery) {
            return;
        }
        long term = disk.term(applied);
        disk.compact(new Snapshot(new SnapshotMeta(applied, term, raft.status().conf()), machine.snapshot()));
    }

    private static long key(int client, long seq) {
        return ((long) client << 40) ^ seq;
    }
}
