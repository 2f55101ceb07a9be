package io.concordkv.raft.node;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.ConfChange;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.raft.core.ProposalDroppedException;
import io.concordkv.raft.core.RaftConfig;
import io.concordkv.raft.core.RaftNode;
import io.concordkv.raft.core.RaftStorage;
import io.concordkv.raft.core.ReadState;
import io.concordkv.raft.core.Ready;
import io.concordkv.raft.core.Role;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.transport.NettyPeerTransport;
import io.concordkv.raft.transport.PeerTransport;
import io.concordkv.raft.transport.TransportConfig;
import io.concordkv.raft.transport.TransportListener;
import io.concordkv.raft.wal.RaftLogOptions;
import io.concordkv.raft.wal.SegmentedRaftLog;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member at run time: one event-loop thread owns the Raft core and the write-ahead log — it
 * ticks the core, steps messages from peers, batches proposals and reads, persists each Ready
 * (term, vote and entries durable before any message that depends on them goes out; a leader's
 * appends go out while it persists), sends messages through the peer transport and hands
 * committed entries to the {@link Applier}'s thread. Clients get futures that complete once
 * their command is applied on this member (proposals on a follower are forwarded to the leader by
 * the core).
 *
 * <p>Threads: the public methods may be called from any thread; they queue work for the loop.
 */
public final class RaftRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftRuntime.class);
    /** Wakes the loop for reads that may go (see {@link ReadQueue}); does nothing itself. */
    private static final Runnable WAKE = () -> { };


    /** A leadership transfer waiting for {@code transferee} to lead (checked by the loop). */
    private record Transfer(long transferee, CompletableFuture<Void> done) { }

    private final Member self;
    private final RaftNodeOptions options;
    private final SegmentedRaftLog wal;
    private final PeerTransport transport;
    private final MemberTable members = new MemberTable();
    private final Applier applier;
    private final RaftNode node;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private final java.util.Queue<Transfer> transfers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ReadQueue readQueue;
    private final Deadlines deadlines;
    private final LeaderlessHold hold;
    private final Thread loopThread;
    private final Thread applyThread;
    private volatile RuntimeStatus status;
    private volatile boolean running = true;
    /** How long the transport keeps a removed member's connection, for the messages queued for it. */
    static final java.time.Duration REMOVAL_GRACE = java.time.Duration.ofMillis(500);
    /**
     * Set once this member applies its own removal. It then refuses new proposals and linearizable
     * reads at once, with {@code UNAVAILABLE} (safe to send elsewhere: nothing was proposed): it
     * would forward them to a leader that no longer listens to it, and each would wait for its
     * timeout. {@link #ensureMember} lets the server refuse the rest (its data no longer changes).
     * (etcd's removed member stops itself.)
     */
    private volatile boolean removed;
    /** Every member this one has known, by id: their addresses outlive their removal. Any thread. */
    private final Map<Long, Member> knownPeers = new java.util.concurrent.ConcurrentHashMap<>();
    /** The members whose removal this one applied: told so when they send to it. Any thread. */
    private final Map<Long, Member> removedPeers = new java.util.concurrent.ConcurrentHashMap<>();
    /** When each removed member was last told (nanoTime); the loop thread only. */
    private final Map<Long, Long> toldRemovedAt = new java.util.HashMap<>();
    /** A removed member that keeps calling is told at most this often. */
    static final long TELL_REMOVED_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private HardState savedHardState;
    private long membersVersion = -1;

    private RaftRuntime(Member self, List<Member> initial, boolean bootstrap, long clusterId, StateMachine machine,
                        RaftNodeOptions options, TransportConfig transportConfig) {
        this.self = self;
        this.options = options;
        this.readQueue = new ReadQueue(options.tick().toNanos() * options.electionTicks());
        this.deadlines = new Deadlines(options.requestTimeout());
        this.wal = SegmentedRaftLog.open(options.dir(), RaftLogOptions.defaults());
        RaftStorage storage = wal.storage();
        if (bootstrap && storage.lastIndex() == 0 && storage.hardState().isEmpty()) {
            bootstrap(initial);
        }
        this.savedHardState = storage.hardState();
        this.transport = new NettyPeerTransport(self.id(), clusterId, options.listen().orElse(self.peer()), inbox::add, new TransportListener() {
            @Override
            public void unreachable(long peerId) {
                inbox.add((Runnable) () -> node().reportUnreachable(peerId));
            }

            @Override
            public void snapshotStatus(long peerId, boolean ok) {
                inbox.add((Runnable) () -> node().reportSnapshot(peerId, ok));
            }
        }, transportConfig);
        for (Member m : initial) {
            knownPeers.put(m.id(), m);
            if (m.id() != self.id()) {
                transport.addPeer(m.id(), m.peer());
            }
        }
        RaftConfig config = new RaftConfig(self.id(), options.electionTicks(), options.heartbeatTicks(), true, true,
            256, 1024 * 1024, options.leaseReads(), Math.max(1, options.electionTicks() / 5), new Random());
        this.node = new RaftNode(config, storage);
        this.applier = new Applier(self.id(), machine, members, new Applier.Events() {
            @Override
            public void membersChanged(List<Member> all, ConfChange change) {
                updatePeers(all, change);
            }

            @Override
            public void snapshotTaken(Snapshot snapshot) {
                // on the snapshot thread: the file (tens of MB, synced) is written here, not on the
                // raft loop, whose heartbeats would stop meanwhile
                wal.writeSnapshotFile(snapshot);
                inbox.add((Runnable) () -> {
                    if (wal.compactToWritten(snapshot)) {
                        LOG.info("member {}: snapshot at index {} ({} bytes); log purged behind it", self.name(),
                            snapshot.meta().index(), snapshot.data().length);
                    }
                });
            }
        }, options.snapshotEntries(), storage.snapshot(), node.status().conf());
        this.hold = new LeaderlessHold(node, applier.proposals, options.leaderWait().toNanos(),
            options.tick().toNanos());
        this.loopThread = new Thread(this::loop, "concordkv-raft-loop-" + self.name());
        this.applyThread = new Thread(applier, "concordkv-raft-apply-" + self.name());
        refreshStatus();
    }

    /**
     * Starts member {@code self}. A new member (empty directory) with {@code bootstrap} set makes
     * {@code initial} the cluster's first configuration; a member joining an existing cluster (added
     * with {@link #addMember}) does not, and waits for the leader. Either way {@code initial} tells
     * the transport where the peers are until the applied log says so. Afterwards the log is the
     * only source of truth.
     */
    public static RaftRuntime start(Member self, List<Member> initial, boolean bootstrap, long clusterId,
                                    StateMachine machine, RaftNodeOptions options, TransportConfig transportConfig) {
        RaftRuntime r = new RaftRuntime(self, initial, bootstrap, clusterId, machine, options, transportConfig);
        try {
            r.transport.start();
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        r.applyThread.start();
        r.loopThread.start();
        LOG.info("raft member {} ({}) started on {}; members {}", self.name(), Long.toHexString(self.id()),
            self.peer(), initial.stream().map(Member::name).toList());
        return r;
    }

    private RaftNode node() {
        return node;
    }

    /** The first configuration: every initial member as a conf-change entry of term 1, all committed. */
    private void bootstrap(List<Member> initial) {
        if (initial.isEmpty()) {
            return;
        }
        List<Member> sorted = new ArrayList<>(initial);
        sorted.sort(Comparator.comparingLong(Member::id));
        List<Entry> entries = new ArrayList<>();
        for (Member m : sorted) {
            ConfChange cc = new ConfChange(ConfChange.Type.ADD_VOTER, m.id(), m.withLearner(false).encode());
            entries.add(new Entry(1, entries.size() + 1, Entry.Type.CONF_CHANGE, cc.encode()));
        }
        wal.save(new HardState(1, 0, entries.size()), entries, true);
    }

    private void updatePeers(List<Member> all, ConfChange change) {
        for (Member m : all) {
            knownPeers.put(m.id(), m);
            if (m.id() != self.id()) {
                transport.addPeer(m.id(), m.peer());
            }
        }
        if (change == null) {
            return;
        }
        if (change.type() != ConfChange.Type.REMOVE) {
            removedPeers.remove(change.nodeId());
            return;
        }
        if (change.nodeId() != self.id()) {
            Member gone = knownPeers.get(change.nodeId());
            if (gone != null) {
                removedPeers.put(gone.id(), gone);
            }
            // not at once: the messages already queued for the member (on the leader, the append
            // that tells it the change is committed) would be dropped, and it would never learn
            removePeerAfterGrace(change.nodeId());
        } else if (!removed) {
            removed = true;
            LOG.warn("member {}: removed from the cluster; it refuses requests from now on "
                + "(stop it, or clear its data directory before it joins again)", self.name());
            // proposals already forwarded may have been committed: they end as before (applied, or a
            // timeout, which says nothing either way); only new ones, never proposed, are refused
        }
    }

    /**
     * A member of this one's configuration says it applied this member's removal: this member was
     * removed while it could not hear of it (cut off, or down), and will never get the entry.
     */
    private void learnRemoval(long from) {
        if (!removed && members.get(from).isPresent()) {
            removed = true;
            LOG.warn("member {}: member {} says it was removed from the cluster while it was away; it refuses "
                + "requests from now on (stop it, or clear its data directory before it joins again)", self.name(), from);
        }
    }

    /** A member whose removal this one applied sent to it: tell it so (at most once a second), as etcd's 410. */
    private void tellRemoved(long id) {
        long now = System.nanoTime();
        Long last = toldRemovedAt.get(id);
        Member gone = removedPeers.get(id);
        if (gone == null || last != null && now - last < TELL_REMOVED_EVERY_NANOS) {
            return;
        }
        toldRemovedAt.put(id, now);
        transport.addPeer(id, gone.peer());
        transport.send(Message.of(MessageType.REMOVED, self.id(), id, node.term()));
        removePeerAfterGrace(id);
    }

    /** Drops the transport's peer {@code id} after {@link #REMOVAL_GRACE}, unless it is a member again by then. */
    private void removePeerAfterGrace(long id) {
        CompletableFuture.delayedExecutor(REMOVAL_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (members.get(id).isEmpty()) {
                transport.removePeer(id);
            }
        });
    }

    /** Throws {@code UNAVAILABLE} once this member has applied its own removal from the cluster. */
    public void ensureMember() {
        if (removed) {
            throw removedError();
        }
    }

    private KvException removedError() {
        return new KvException(ErrorCode.UNAVAILABLE, "member " + self.name() + " was removed from the cluster; "
            + "send requests to another member");
    }

    // ---- client API ----

    /** Proposes {@code command}; completes with the state machine's result once applied here. */
    public CompletableFuture<Object> propose(byte[] command) {
        if (removed) {
            return CompletableFuture.failedFuture(removedError());
        }
        long seq = sequence.incrementAndGet();
        CompletableFuture<Object> f = new CompletableFuture<>();
        applier.proposals.put(seq, f);
        ByteBuffer b = ByteBuffer.allocate(16 + command.length);
        b.putLong(self.id()).putLong(seq).put(command);
        inbox.add(new LeaderlessHold.Proposal(seq, b.array()));
        return deadlines.add(f, () -> applier.proposals.remove(seq), "proposal");
    }

    /** Completes once this member has applied everything committed when it was called (linearizable). */
    public CompletableFuture<Void> readBarrier() {
        if (removed) {
            return CompletableFuture.failedFuture(removedError());
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (readQueue.add(f)) {
            inbox.add(WAKE);
        }
        return deadlines.add(f, () -> { }, "linearizable read");
    }

    public CompletableFuture<Void> addMember(Member m) {
        return confChange(new ConfChange(m.learner() ? ConfChange.Type.ADD_LEARNER : ConfChange.Type.ADD_VOTER, m.id(),
            m.encode()));
    }

    public CompletableFuture<Void> promoteMember(long id) {
        Member m = members.get(id).orElseThrow(() -> new KvException(ErrorCode.NOT_FOUND, "no member " + id));
        if (!m.learner()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "member " + m.name() + " is not a learner");
        }
        return confChange(new ConfChange(ConfChange.Type.ADD_VOTER, id, m.withLearner(false).encode()));
    }

    public CompletableFuture<Void> removeMember(long id) {
        if (members.get(id).isEmpty()) {
            return CompletableFuture.failedFuture(new KvException(ErrorCode.NOT_FOUND, "no member " + id));
        }
        return confChange(new ConfChange(ConfChange.Type.REMOVE, id, new byte[0]));
    }

    private CompletableFuture<Void> confChange(ConfChange cc) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (applier.confChanges.putIfAbsent(cc.nodeId(), f) != null) {
            return CompletableFuture.failedFuture(new KvException(ErrorCode.UNAVAILABLE,
                "a change of member " + cc.nodeId() + " is already in progress"));
        }
        inbox.add((Runnable) () -> {
            try {
                node.proposeConfChange(cc);
            } catch (ProposalDroppedException e) {
                applier.confChanges.remove(cc.nodeId(), f);
                f.completeExceptionally(dropped(e));
            }
        });
        return deadlines.add(f, () -> applier.confChanges.remove(cc.nodeId(), f), "membership change");
    }

    /** Asks the leader to hand leadership to {@code transferee}; completes when it is leader. */
    public CompletableFuture<Void> transferLeadership(long transferee) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        inbox.add((Runnable) () -> {
            try {
                node.transferLeadership(transferee);
            } catch (ProposalDroppedException e) {
                f.completeExceptionally(dropped(e));
            }
        });
        transfers.add(new Transfer(transferee, f));
        return deadlines.add(f, () -> { }, "leadership transfer");
    }

    /** The ReadIndex requests this member has sent, for tests: concurrent reads share them. */
    long readIndexRequests() {
        return readQueue.requests();
    }

    public RuntimeStatus status() {
        return status;
    }

    public Member self() {
        return self;
    }

    private KvException timedOut(String what) {
        return new KvException(ErrorCode.TIMEOUT, what + " timed out after " + options.requestTimeout().toMillis()
            + " ms (leader " + Long.toHexString(status.leader()) + ")");
    }

    static KvException dropped(ProposalDroppedException e) {
        return new KvException(ErrorCode.UNAVAILABLE, e.getMessage()
            + (e.leaderHint() != 0 ? " (leader " + Long.toHexString(e.leaderHint()) + ")" : ""));
    }

    // ---- the event loop ----

    private void loop() {
        long tickNanos = options.tick().toNanos();
        long nextTick = System.nanoTime() + tickNanos;
        List<LeaderlessHold.Proposal> proposals = new ArrayList<>();
        while (running) {
            try {
                boolean readsMayGo = hold.readsMayGo(System.nanoTime());
                long wait = readQueue.ready() && readsMayGo ? 0 : Math.max(0, nextTick - System.nanoTime());
                Object first = inbox.poll(wait, TimeUnit.NANOSECONDS);
                if (first != null) {
                    dispatch(first, proposals);
                    Object more;
                    int n = 0;
                    while (n++ < 100_000 && (more = inbox.poll()) != null) {
                        dispatch(more, proposals);
                    }
                }
                long now = System.nanoTime();
                if (now >= nextTick) {
                    node.tick();
                    nextTick = Math.max(nextTick + tickNanos, now - tickNanos);
                    deadlines.expire(now, this::timedOut);
                }
                boolean giveUp = hold.waitedTooLong(now);
                hold.flushForwarded(giveUp);
                hold.propose(proposals, giveUp);
                if (giveUp) {
                    hold.failReads(readQueue.take(now), now);
                } else {
                    flushReads(hold.readsMayGo(now) ? readQueue.take(now) : List.of());
                }
                processReady();
                refreshStatus();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("raft loop of {} failed; the member stops", self.name(), e);
                running = false;
                KvException stopped = new KvException(ErrorCode.UNAVAILABLE, "this member stopped: " + e.getMessage());
                applier.failAll(f -> f.completeExceptionally(stopped));
                deadlines.failAll(stopped);
            }
        }
    }

    private void dispatch(Object item, List<LeaderlessHold.Proposal> proposals) {
        if (item instanceof Message m) {
            if (m.type() == MessageType.REMOVED) {
                learnRemoval(m.from());
            } else if (removedPeers.containsKey(m.from())) {
                tellRemoved(m.from());
            } else if (m.type() == MessageType.PROP) {
                hold.forwarded(m); // after the pass's other messages
            } else {
                node.step(m);
            }
        } else if (item instanceof LeaderlessHold.Proposal p) {
            proposals.add(p);
            if (proposals.size() >= options.maxBatch()) {
                hold.propose(proposals, false);
            }
        } else if (item instanceof Runnable r) {
            r.run();
        }
    }

    /** What the transport does with a message from a peer (tests inject messages with it). */
    void deliver(Message m) {
        inbox.add(m);
    }

    private void flushReads(List<CompletableFuture<Void>> reads) {
        if (reads.isEmpty()) {
            return;
        }
        long batch = sequence.incrementAndGet();
        applier.readBatches.put(batch, reads);
        readQueue.sent(batch, System.nanoTime());
        node.readIndex(ByteBuffer.allocate(8).putLong(batch).array());
    }

    private void processReady() {
        while (node.hasReady()) {
            Ready rd = node.ready();
            if (rd.sendBeforePersist()) {
                rd.messages().forEach(transport::send);
            }
            if (!rd.snapshot().isEmpty()) {
                wal.installSnapshot(rd.snapshot());
                LOG.info("member {}: installing the leader's snapshot at index {} ({} bytes)", self.name(),
                    rd.snapshot().meta().index(), rd.snapshot().data().length);
            }
            HardState hs = rd.hardState().orElse(savedHardState);
            if (rd.hardState().isPresent() || !rd.entries().isEmpty()) {
                wal.save(hs, rd.entries(), rd.mustSync());
                savedHardState = hs;
            }
            if (!rd.sendBeforePersist()) {
                rd.messages().forEach(transport::send);
            }
            List<ReadState> unapplied = answerReads(rd.readStates());
            if (!rd.snapshot().isEmpty() || !rd.committedEntries().isEmpty() || !unapplied.isEmpty()) {
                applier.submit(new Applier.Task(rd.snapshot(), rd.committedEntries(), unapplied));
            }
            node.advance(rd);
        }
    }

    /**
     * Answers the reads whose index this member has already applied (the usual case: a ReadIndex
     * round ends long after the entries before it were applied) with no hand-off to the apply
     * thread, and sends dropped ones around again. Returns the reads the apply thread must answer
     * once it has applied up to their index.
     */
    private List<ReadState> answerReads(List<ReadState> reads) {
        if (reads.isEmpty()) {
            return reads;
        }
        long applied = applier.applied();
        List<ReadState> unapplied = new ArrayList<>(0);
        for (ReadState rs : reads) {
            long context = ByteBuffer.wrap(rs.context()).getLong();
            readQueue.answered(context);
            if (rs.dropped()) {
                // no leader confirmed it: a read changes nothing, so it simply goes again
                List<CompletableFuture<Void>> batch = applier.readBatches.remove(context);
                if (batch != null) {
                    readQueue.requeue(batch);
                    hold.readDropped(System.nanoTime());
                }
            } else if (rs.index() <= applied) {
                List<CompletableFuture<Void>> batch = applier.readBatches.remove(context);
                if (batch != null) {
                    batch.forEach(f -> f.complete(null));
                }
            } else {
                unapplied.add(rs);
            }
        }
        return unapplied;
    }

    private void refreshStatus() {
        // every loop pass: the core's cheap accessors, not status(), which copies its progress map
        long leader = node.leader();
        RuntimeStatus old = status;
        long version = members.version(); // read before the list: a change in between is seen next time
        List<Member> all = old != null && version == membersVersion ? old.members() : members.all();
        membersVersion = version;
        status = new RuntimeStatus(self.id(), node.role(), node.term(), leader, node.commitIndex(), applier.applied(),
            node.lastIndex(), all);
        if (!transfers.isEmpty()) {
            transfers.removeIf(t -> t.done().isDone() || (t.transferee() == leader && t.done().complete(null)));
        }
        if (old != null && old.leader() != leader) {
            LOG.info("member {}: leader is now {} (term {}, role {})", self.name(),
                members.get(leader).map(Member::name).orElse(Long.toHexString(leader)), node.term(), node.role());
        }
    }

    public boolean isLeader() {
        return status.role() == Role.LEADER;
    }

    @Override
    public void close() {
        running = false;
        if (loopThread.isAlive()) {
            loopThread.interrupt();
            join(loopThread);
        }
        applier.stop();
        if (applyThread.isAlive()) {
            join(applyThread);
        }
        applier.awaitSnapshotWriter();
        KvException stopped = new KvException(ErrorCode.UNAVAILABLE, "member stopped");
        applier.failAll(f -> f.completeExceptionally(stopped));
        deadlines.failAll(stopped);
        transport.close();
        wal.close();
    }

    private static void join(Thread t) {
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
