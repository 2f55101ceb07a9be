package io.concordkv.raft.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The leader's rules: replicating the log (pipelined per follower, bounded in flight, probing
 * with backoff, snapshots for followers too far behind), committing by majority only entries of
 * its own term, heartbeats and check-quorum, leadership transfer, and confirming linearizable
 * reads ({@link LeaderReads}). Counts its own entries toward a majority only once the runtime
 * reports them persisted ({@link #onPersisted}). Not thread-safe.
 */
final class Leadership {
    private final Raft r;
    final LeaderReads reads;

    Leadership(Raft raft) {
        this.r = raft;
        this.reads = new LeaderReads(raft);
    }

    /** Resets replication state on becoming leader. */
    void start() {
        long next = r.log.lastIndex() + 1;
        for (long member : r.conf.members()) {
            Progress pr = new Progress(next, r.config.maxInflight(), r.conf.learners().contains(member));
            pr.recentActive = true;
            r.progress.put(member, pr);
        }
        Progress self = r.progress.get(r.id);
        if (self != null) {
            self.match = r.log.stableLastIndex();
            self.next = next;
        }
        reads.start();
    }

    void dropReads() {
        reads.dropAll();
    }

    void appendEntries(List<Entry> entries) {
        r.log.append(entries);
        broadcastAppend();
    }

    /** The runtime persisted this member's log up to {@code index}. */
    void onPersisted(long index) {
        Progress self = r.progress.get(r.id);
        if (self != null && self.maybeUpdate(index) && maybeCommit()) {
            broadcastAppend();
        }
    }

    void tick() {
        r.heartbeatElapsed++;
        r.electionElapsed++;
        if (r.electionElapsed >= r.config.electionTicks()) {
            r.electionElapsed = 0;
            if (r.config.checkQuorum()) {
                if (!quorumActive()) {
                    r.becomeFollower(r.term, 0); // we lost our majority: step down
                    return;
                }
                for (Map.Entry<Long, Progress> e : r.progress.entrySet()) {
                    e.getValue().recentActive = e.getKey() == r.id;
                }
            }
            r.leadTransferee = 0; // a transfer that did not finish within an election timeout is abandoned
        }
        if (r.heartbeatElapsed >= r.config.heartbeatTicks()) {
            r.heartbeatElapsed = 0;
            broadcastHeartbeat();
        }
    }

    private boolean quorumActive() {
        int active = 0;
        for (long voter : r.conf.voters()) {
            Progress pr = r.progress.get(voter);
            if (voter == r.id || (pr != null && pr.recentActive)) {
                active++;
            }
        }
        return active >= r.quorum();
    }

    void broadcastHeartbeat() {
        long round = reads.newRound();
        for (Map.Entry<Long, Progress> e : r.progress.entrySet()) {
            if (e.getKey() != r.id) {
                long commit = Math.min(e.getValue().match, r.log.committed());
                r.send(Message.of(MessageType.HEARTBEAT, r.id, e.getKey(), r.term).withLog(0, round).withCommit(commit));
            }
        }
    }

    void broadcastAppend() {
        for (long member : r.progress.keySet()) {
            if (member != r.id) {
                sendAppend(member, true);
            }
        }
    }

    /** Sends what {@code to} lacks; returns whether an append carrying entries went out. */
    boolean sendAppend(long to, boolean sendIfEmpty) {
        Progress pr = r.progress.get(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next - 1;
        long prevTerm = r.log.term(prevIndex);
        List<Entry> entries;
        if (prevIndex < r.log.firstIndex() - 1 || (prevTerm == 0 && prevIndex > 0)) {
            sendSnapshot(to, pr);
            return false;
        }
        try {
            entries = r.log.entriesFrom(pr.next, r.config.maxMessageBytes());
        } catch (CompactedException e) {
            sendSnapshot(to, pr);
            return false;
        }
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        r.send(Message.of(MessageType.APP, r.id, to, r.term).withLog(prevTerm, prevIndex).withEntries(entries)
            .withCommit(r.log.committed()));
        long last = entries.isEmpty() ? prevIndex : entries.get(entries.size() - 1).index();
        pr.sentAppend(last, entries.size());
        return !entries.isEmpty();
    }

    private void sendSnapshot(long to, Progress pr) {
        if (!pr.recentActive) {
            return; // do not ship a snapshot to a member we have not heard from
        }
        Snapshot snap = r.log.snapshot();
        if (snap.isEmpty()) {
            throw new IllegalStateException("need a snapshot for member " + to + " but have none");
        }
        pr.becomeSnapshot(snap.meta().index());
        r.send(Message.of(MessageType.SNAP, r.id, to, r.term).withSnapshot(snap));
    }

    /** Raises the commit index to what a majority of voters hold, if that entry is of this term. */
    boolean maybeCommit() {
        List<Long> matches = new ArrayList<>();
        for (long voter : r.conf.voters()) {
            Progress pr = r.progress.get(voter);
            matches.add(pr == null ? 0 : pr.match);
        }
        if (matches.isEmpty()) {
            return false;
        }
        matches.sort(java.util.Comparator.reverseOrder());
        long index = matches.get(r.quorum() - 1);
        if (index > r.log.committed() && r.log.term(index) == r.term) {
            r.log.commitTo(index);
            reads.onCommit();
            return true;
        }
        return false;
    }

    void step(Message m) {
        switch (m.type()) {
            case BEAT -> broadcastHeartbeat();
            case PROP -> propose(m.entries());
            case READ_INDEX -> reads.request(m);
            case TRANSFER_LEADER -> transfer(m.index());
            default -> stepFromPeer(m);
        }
    }

    private void stepFromPeer(Message m) {
        Progress pr = r.progress.get(m.from());
        if (pr == null) {
            return; // not (or no longer) a member
        }
        switch (m.type()) {
            case APP_RESP -> {
                pr.recentActive = true;
                handleAppendResponse(m, pr);
            }
            case HEARTBEAT_RESP -> {
                pr.recentActive = true;
                pr.onHeartbeatResponse();
                if (pr.state == Progress.State.REPLICATE && pr.isPaused()) {
                    pr.freeFirstInflight();
                }
                if (pr.match < r.log.lastIndex()) {
                    sendAppend(m.from(), true);
                }
                reads.ack(m.from(), pr, m.index());
            }
            case SNAP_STATUS -> {
                if (pr.state == Progress.State.SNAPSHOT) {
                    if (m.reject()) {
                        pr.pendingSnapshot = 0;
                    }
                    pr.becomeProbe();
                    pr.probeSent = true; // wait for the follower's answer (or a heartbeat) before probing
                    pr.probeWait = 1;
                }
            }
            case UNREACHABLE -> {
                if (pr.state == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
            }
            default -> { }
        }
    }

    private void handleAppendResponse(Message m, Progress pr) {
        if (m.reject()) {
            long hint = m.rejectHint();
            if (m.logTerm() > 0) {
                hint = r.log.findConflictByTerm(m.rejectHint(), m.logTerm());
            }
            if (pr.maybeDecrTo(m.index(), hint)) {
                if (pr.state == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(m.from(), true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.index())) {
            return;
        }
        if (pr.state == Progress.State.PROBE) {
            pr.becomeReplicate();
        } else if (pr.state == Progress.State.SNAPSHOT && pr.match >= pr.pendingSnapshot) {
            pr.becomeProbe();
            pr.becomeReplicate();
        }
        if (maybeCommit()) {
            broadcastAppend();
        } else if (wasPaused) {
            sendAppend(m.from(), true);
        }
        while (sendAppend(m.from(), false)) {
            // keep the pipeline full
        }
        if (m.from() == r.leadTransferee && pr.match == r.log.lastIndex()) {
            r.send(Message.of(MessageType.TIMEOUT_NOW, r.id, m.from(), r.term));
        }
    }

    private void propose(List<Entry> proposed) {
        if (!r.conf.isMember(r.id)) {
            throw new ProposalDroppedException("this member was removed from the cluster", 0);
        }
        if (r.leadTransferee != 0) {
            throw new ProposalDroppedException("leadership is being transferred to " + r.leadTransferee,
                r.leadTransferee, true);
        }
        long index = r.log.lastIndex();
        List<Entry> entries = new ArrayList<>(proposed.size());
        for (Entry e : proposed) {
            index++;
            if (e.type() == Entry.Type.CONF_CHANGE) {
                if (r.pendingConfIndex > r.log.applied()) {
                    throw new ProposalDroppedException("a membership change is still pending (index "
                        + r.pendingConfIndex + ", applied " + r.log.applied() + ")", r.id);
                }
                r.pendingConfIndex = index;
            }
            entries.add(new Entry(r.term, index, e.type(), e.data()));
        }
        appendEntries(entries);
    }

    private void transfer(long transferee) {
        Progress pr = r.progress.get(transferee);
        if (pr == null || pr.learner || transferee == r.id || transferee == r.leadTransferee) {
            return;
        }
        r.electionElapsed = 0; // the transfer must finish within an election timeout
        r.leadTransferee = transferee;
        if (pr.match == r.log.lastIndex()) {
            r.send(Message.of(MessageType.TIMEOUT_NOW, r.id, transferee, r.term));
        } else {
            sendAppend(transferee, true);
        }
    }

    void onConfChange(ConfChange cc) {
        long member = cc.nodeId();
        switch (cc.type()) {
            case ADD_VOTER, ADD_LEARNER -> {
                Progress pr = r.progress.get(member);
                if (pr == null) {
                    pr = new Progress(r.log.lastIndex() + 1, r.config.maxInflight(), false);
                    pr.recentActive = true;
                    r.progress.put(member, pr);
                }
                pr.learner = r.conf.learners().contains(member);
            }
            case REMOVE -> {
                r.progress.remove(member);
                if (member == r.leadTransferee) {
                    r.leadTransferee = 0;
                }
            }
            default -> { }
        }
        if (!r.conf.voters().contains(r.id)) {
            r.becomeFollower(r.term, 0); // removed (or demoted): another member will take over
            return;
        }
        if (maybeCommit()) {
            broadcastAppend();
        }
    }
}
