package io.concordkv.raft.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public face of the core: feed it ticks, messages from peers and local requests; take a
 * {@link Ready}, carry it out, and {@link #advance} past it. Between {@link #ready()} and
 * {@link #advance} nothing else may be called. Committed membership changes take effect in the
 * core when {@link #advance} is called for the Ready that handed them out.
 *
 * <p>Threads: not thread-safe; one thread drives a node.
 */
public final class RaftNode {
    /** Bytes of committed entries handed out per Ready at most (at least one entry). */
    private static final long MAX_APPLY_BYTES = 8L * 1024 * 1024;

    private final Raft raft;
    private HardState lastHardState;
    private boolean inReady;
    /** Conf changes up to here were applied at construction; applying them again is skipped. */
    private long confReplayedTo;

    public RaftNode(RaftConfig config, RaftStorage storage) {
        this.raft = new Raft(config, storage);
        this.lastHardState = storage.hardState();
        replayConfChanges(storage);
    }

    /**
     * Entries up to the persisted commit index are applied again after a restart (the state machine
     * is rebuilt from the snapshot and the log), but the membership they changed is needed before
     * that to campaign: take it from the committed conf changes now.
     */
    private void replayConfChanges(RaftStorage storage) {
        long i = storage.firstIndex();
        long to = Math.min(raft.log.committed(), storage.lastIndex());
        while (i <= to) {
            List<Entry> batch = storage.entries(i, to + 1, MAX_APPLY_BYTES);
            for (Entry e : batch) {
                if (e.type() == Entry.Type.CONF_CHANGE) {
                    raft.conf = raft.conf.apply(ConfChange.decode(e.data()));
                }
            }
            i = batch.get(batch.size() - 1).index() + 1;
        }
        confReplayedTo = to;
    }

    public long id() {
        return raft.id;
    }

    public void tick() {
        checkNotInReady();
        raft.tick();
    }

    /** Starts an election now (a pre-vote first when configured). */
    public void campaign() {
        checkNotInReady();
        raft.step(Message.of(MessageType.HUP, raft.id, raft.id, 0));
    }

    /** A message from a peer. Messages of unknown senders or stale terms are ignored as Raft says. */
    public void step(Message m) {
        checkNotInReady();
        if (m.type().isLocal() && m.type() != MessageType.UNREACHABLE && m.type() != MessageType.SNAP_STATUS) {
            throw new IllegalArgumentException("local message type from the network: " + m.type());
        }
        try {
            raft.step(m);
        } catch (ProposalDroppedException e) {
            // a forwarded proposal or transfer request this member cannot place: its sender times out
        }
    }

    /**
     * Proposes entries with these payloads (appended in order, in one batch).
     *
     * @throws ProposalDroppedException when this member cannot take proposals now
     */
    public void propose(List<byte[]> payloads) {
        checkNotInReady();
        List<Entry> entries = new ArrayList<>(payloads.size());
        for (byte[] p : payloads) {
            entries.add(Entry.normal(0, 1, p)); // term and index are assigned by the leader
        }
        raft.step(Message.proposal(entries));
    }

    /** Proposes one membership change; refused while another is pending. */
    public void proposeConfChange(ConfChange change) {
        checkNotInReady();
        raft.step(Message.proposal(List.of(new Entry(0, 1, Entry.Type.CONF_CHANGE, change.encode()))));
    }

    /** Asks for a linearizable read; the answer comes as a {@link ReadState} with this context. */
    public void readIndex(byte[] context) {
        checkNotInReady();
        raft.step(Message.of(MessageType.READ_INDEX, 0, 0, 0).withContext(context));
    }

    /** Asks the leader to hand leadership to {@code transferee}. */
    public void transferLeadership(long transferee) {
        checkNotInReady();
        raft.step(Message.of(MessageType.TRANSFER_LEADER, 0, 0, 0).withLog(0, transferee));
    }

    public void reportUnreachable(long peer) {
        step(Message.of(MessageType.UNREACHABLE, peer, raft.id, 0));
    }

    public void reportSnapshot(long peer, boolean ok) {
        step(Message.of(MessageType.SNAP_STATUS, peer, raft.id, 0).withReject(!ok, 0));
    }

    public boolean hasReady() {
        return !raft.outbox.isEmpty() || !raft.readStates.isEmpty() || raft.log.hasUnstableEntries()
            || !raft.log.unstableSnapshot().isEmpty() || raft.log.hasNextCommitted()
            || !raft.hardState().equals(lastHardState);
    }

    public Ready ready() {
        checkNotInReady();
        inReady = true;
        HardState hs = raft.hardState();
        Optional<HardState> changed = hs.equals(lastHardState) ? Optional.empty() : Optional.of(hs);
        boolean termOrVoteChanged = hs.term() != lastHardState.term() || hs.vote() != lastHardState.vote();
        List<Message> messages = List.copyOf(raft.outbox);
        raft.outbox.clear();
        List<ReadState> reads = List.copyOf(raft.readStates);
        raft.readStates.clear();
        return new Ready(raft.lead, raft.role, raft.term, changed, raft.log.unstableEntries(),
            raft.log.unstableSnapshot(), raft.log.nextCommitted(MAX_APPLY_BYTES), messages, reads,
            raft.role == Role.LEADER && !termOrVoteChanged, termOrVoteChanged);
    }

    /** The runtime carried out {@code rd}: persisted, sent, installed and applied what it asked. */
    public void advance(Ready rd) {
        if (!inReady) {
            throw new IllegalStateException("advance without ready");
        }
        inReady = false;
        rd.hardState().ifPresent(hs -> lastHardState = hs);
        if (!rd.snapshot().isEmpty()) {
            raft.log.snapshotStable(rd.snapshot().meta().index());
            raft.log.appliedSnapshot(rd.snapshot().meta().index());
        }
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().get(rd.entries().size() - 1);
            raft.log.stableTo(last.index(), last.term());
            if (raft.role == Role.LEADER) {
                raft.leadership.onPersisted(raft.log.stableLastIndex());
            }
        }
        if (!rd.committedEntries().isEmpty()) {
            for (Entry e : rd.committedEntries()) {
                if (e.type() == Entry.Type.CONF_CHANGE && e.index() > confReplayedTo) {
                    raft.applyConfChange(ConfChange.decode(e.data()));
                }
            }
            raft.log.appliedTo(rd.committedEntries().get(rd.committedEntries().size() - 1).index());
        }
    }

    public Role role() {
        return raft.role;
    }

    public long term() {
        return raft.term;
    }

    /** The leader this member knows; 0 for none. */
    public long leader() {
        return raft.lead;
    }

    public long commitIndex() {
        return raft.log.committed();
    }

    public long lastIndex() {
        return raft.log.lastIndex();
    }

    /** Everything at once, with each member's match index copied (for status pages, not a hot loop). */
    public Status status() {
        Map<Long, Long> match = new HashMap<>();
        raft.progress.forEach((member, pr) -> match.put(member, pr.match));
        return new Status(raft.id, raft.role, raft.term, raft.vote, raft.lead, raft.log.committed(),
            raft.log.applied(), raft.log.firstIndex(), raft.log.lastIndex(), raft.conf, Map.copyOf(match),
            raft.leadTransferee);
    }

    /** Term of the entry at {@code index}, 0 when unknown (for checks and tests). */
    public long termAt(long index) {
        return raft.log.term(index);
    }

    private void checkNotInReady() {
        if (inReady) {
            throw new IllegalStateException("call advance() for the last Ready first");
        }
    }
}
