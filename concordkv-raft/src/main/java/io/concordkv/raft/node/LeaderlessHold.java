package io.concordkv.raft.node;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.ProposalDroppedException;
import io.concordkv.raft.core.RaftNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a member does with requests while it knows no leader (an election, a leadership transfer).
 * Proposals the core dropped only for want of a leader reached no log: they are held, in order,
 * and proposed again once a leader is known, new proposals queueing behind them; proposals peers
 * forwarded here wait the same way. Reads whose ReadIndex request was dropped go again a tick
 * later, so that a follower still pointing at a deposed leader does not ping-pong with it. All of
 * it for at most {@link RaftNodeOptions#leaderWait}: a member without a leader for longer (cut off
 * from the majority) refuses held and new requests at once, until it knows one. Each request
 * still ends by its own timeout. The raft loop's thread only.
 */
final class LeaderlessHold {
    /** Requests held at most; beyond, they fail (or, forwarded, are dropped) at once. */
    static final int MAX_HELD = 100_000;

    /** A proposal of this member: its sequence number and the entry's payload. */
    record Proposal(long seq, byte[] envelope) { }

    private final RaftNode node;
    /** The waiting proposals' futures by sequence number (the applier's): gone once timed out. */
    private final Map<Long, CompletableFuture<Object>> pending;
    private final long waitNanos;
    private final long readRetryNanos;
    private final ArrayDeque<Proposal> parked = new ArrayDeque<>();
    private final List<Message> forwarded = new ArrayList<>();
    private boolean leaderless;
    private long leaderlessSince;
    private long readsHeldUntil;

    LeaderlessHold(RaftNode node, Map<Long, CompletableFuture<Object>> pending, long waitNanos, long readRetryNanos) {
        this.node = node;
        this.pending = pending;
        this.waitNanos = waitNanos;
        this.readRetryNanos = readRetryNanos;
    }

    /** Whether this member has known no leader for longer than it holds requests for one. */
    boolean waitedTooLong(long now) {
        if (node.leader() != 0) {
            leaderless = false;
            return false;
        }
        if (!leaderless) {
            leaderless = true;
            leaderlessSince = now;
        }
        return now - leaderlessSince > waitNanos;
    }

    /** A proposal a peer forwarded: stepped by {@link #flushForwarded}, after the pass's other messages. */
    void forwarded(Message m) {
        forwarded.add(m);
    }

    /**
     * Steps the proposals peers forwarded here, after the other messages of the pass: a leader
     * back from a pause then first learns from them that it was deposed, and forwards these to
     * the new leader instead of appending them to a log tail the new leader will cut. While this
     * member knows no leader they wait (unless {@code giveUp}); a proposal it still cannot place is
     * dropped, and its sender times out.
     */
    void flushForwarded(boolean giveUp) {
        if (forwarded.isEmpty() || node.leader() == 0 && !giveUp && forwarded.size() <= MAX_HELD) {
            return;
        }
        forwarded.forEach(node::step);
        forwarded.clear();
    }

    /**
     * Proposes {@code proposals} (emptied), after any held ones. Proposals dropped for want of a
     * leader are held, unless {@code giveUp} (this member has been without one too long): then
     * they and the held ones fail.
     */
    void propose(List<Proposal> proposals, boolean giveUp) {
        if (!parked.isEmpty()) {
            List<Proposal> all = new ArrayList<>(parked.size() + proposals.size());
            for (Proposal p : parked) {
                if (pending.containsKey(p.seq())) { // else it timed out meanwhile
                    all.add(p);
                }
            }
            parked.clear();
            all.addAll(proposals);
            proposals.clear();
            proposals.addAll(all);
            if (node.leader() == 0 && !giveUp) {
                parked.addAll(proposals); // still no leader: all wait, in order
                proposals.clear();
                return;
            }
        }
        if (proposals.isEmpty()) {
            return;
        }
        List<byte[]> payloads = new ArrayList<>(proposals.size());
        proposals.forEach(p -> payloads.add(p.envelope()));
        try {
            node.propose(payloads);
        } catch (ProposalDroppedException e) {
            if (e.awaitsLeader() && !giveUp && proposals.size() <= MAX_HELD) {
                parked.addAll(proposals);
            } else {
                KvException failure = RaftRuntime.dropped(e);
                for (Proposal p : proposals) {
                    CompletableFuture<Object> f = pending.remove(p.seq());
                    if (f != null) {
                        f.completeExceptionally(failure);
                    }
                }
            }
        }
        proposals.clear();
    }

    /** A ReadIndex request was dropped at {@code now}: its reads, queued again, go a tick later. */
    void readDropped(long now) {
        readsHeldUntil = now + readRetryNanos;
    }

    /** Whether reads may go to the leader now: one is known, and a dropped request's pause is over. */
    boolean readsMayGo(long now) {
        return node.leader() != 0 && now - readsHeldUntil >= 0;
    }

    /** Fails {@code reads} once this member has waited too long for a leader. */
    void failReads(List<CompletableFuture<Void>> reads, long now) {
        if (!reads.isEmpty()) {
            KvException failure = new KvException(ErrorCode.UNAVAILABLE, "no leader for "
                + (now - leaderlessSince) / 1_000_000 + " ms: this member cannot confirm a linearizable read");
            reads.forEach(f -> f.completeExceptionally(failure));
        }
    }
}
