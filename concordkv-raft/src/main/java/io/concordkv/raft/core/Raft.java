package io.concordkv.raft.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One member's consensus state and the rules every role shares: terms, elections (with pre-vote
 * and the check-quorum lease on votes), following a leader, installing snapshots, membership.
 * The leader's replication and read rules are in {@link Leadership}. Not thread-safe.
 */
final class Raft {
    /** Context of a campaign started by a leadership transfer: voters must not ignore it. */
    static final byte[] CAMPAIGN_TRANSFER = "transfer".getBytes(StandardCharsets.US_ASCII);

    final long id;
    final RaftConfig config;
    final RaftLog log;
    long term;
    long vote;
    long lead;
    Role role = Role.FOLLOWER;
    ConfState conf;
    /** Per member (including this one) while leader; empty otherwise. */
    final Map<Long, Progress> progress = new TreeMap<>();
    int electionElapsed;
    int heartbeatElapsed;
    int randomizedElectionTimeout;
    long ticks;
    long leadTransferee;
    long pendingConfIndex;
    /** Started from a persisted term: it may have acknowledged a leader just before it stopped. */
    private final boolean restarted;
    private final Map<Long, Boolean> votes = new HashMap<>();
    final List<Message> outbox = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();
    final Leadership leadership;

    Raft(RaftConfig config, RaftStorage storage) {
        this.id = config.id();
        this.config = config;
        this.log = new RaftLog(storage);
        HardState hs = storage.hardState();
        this.conf = storage.confState();
        this.leadership = new Leadership(this);
        this.term = hs.term();
        this.vote = hs.vote();
        this.restarted = hs.term() > 0;
        if (hs.commit() > 0) {
            log.commitTo(Math.max(Math.min(hs.commit(), log.lastIndex()), log.committed()));
        }
        becomeFollower(term, 0);
    }

    HardState hardState() {
        return new HardState(term, vote, log.committed());
    }

    boolean promotable() {
        return conf.voters().contains(id);
    }

    int quorum() {
        return conf.voters().size() / 2 + 1;
    }

    // ---- sending ----

    void send(Message m) {
        if (m.type().isLocal()) {
            throw new IllegalStateException("local message sent: " + m);
        }
        long t = m.term();
        if (t == 0 && m.type() != MessageType.PROP && m.type() != MessageType.TRANSFER_LEADER
            && m.type() != MessageType.READ_INDEX) {
            t = term;
        }
        outbox.add(m.withFromTerm(id, t));
    }

    // ---- role changes ----

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = 0;
        }
        lead = 0;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTicks() + config.random().nextInt(config.electionTicks());
        leadTransferee = 0;
        votes.clear();
        progress.clear();
        leadership.dropReads();
    }

    void becomeFollower(long newTerm, long leader) {
        reset(newTerm);
        role = Role.FOLLOWER;
        lead = leader;
    }

    private void becomePreCandidate() {
        // A pre-candidate keeps its term and vote: it only asks whether it could win.
        votes.clear();
        progress.clear();
        leadership.dropReads();
        lead = 0;
        role = Role.PRE_CANDIDATE;
    }

    private void becomeCandidate() {
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
    }

    void becomeLeader() {
        reset(term);
        role = Role.LEADER;
        lead = id;
        leadership.start();
        pendingConfIndex = log.lastIndex();
        leadership.appendEntries(List.of(Entry.normal(term, log.lastIndex() + 1, new byte[0])));
    }

    // ---- ticks ----

    void tick() {
        ticks++;
        if (role == Role.LEADER) {
            leadership.tick();
            return;
        }
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            step(Message.of(MessageType.HUP, id, id, 0));
        }
    }

    // ---- elections ----

    void campaign(boolean pre, boolean transfer) {
        if (!promotable()) {
            return;
        }
        long voteTerm;
        MessageType type;
        if (pre) {
            becomePreCandidate();
            voteTerm = term + 1;
            type = MessageType.PRE_VOTE;
        } else {
            becomeCandidate();
            voteTerm = term;
            type = MessageType.VOTE;
        }
        if (recordVote(id, true) >= quorum()) {
            if (pre) {
                campaign(false, transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        for (long voter : conf.voters()) {
            if (voter != id) {
                Message m = Message.of(type, id, voter, voteTerm).withLog(log.lastTerm(), log.lastIndex());
                send(transfer ? m.withContext(CAMPAIGN_TRANSFER) : m);
            }
        }
    }

    /** Records {@code from}'s first answer in this campaign; returns how many voters answered {@code granted}. */
    private int recordVote(long from, boolean granted) {
        votes.putIfAbsent(from, granted);
        return tally(granted);
    }

    private int tally(boolean answer) {
        int n = 0;
        for (Map.Entry<Long, Boolean> e : votes.entrySet()) {
            if (e.getValue() == answer && conf.voters().contains(e.getKey())) {
                n++;
            }
        }
        return n;
    }

    // ---- stepping ----

    void step(Message m) {
        if (m.term() > term && !stepHigherTerm(m)) {
            return;
        }
        if (m.term() != 0 && m.term() < term) {
            stepLowerTerm(m);
            return;
        }
        switch (m.type()) {
            case HUP -> {
                if (role != Role.LEADER) {
                    campaign(config.preVote(), false);
                }
            }
            case VOTE, PRE_VOTE -> handleVoteRequest(m);
            default -> stepByRole(m);
        }
    }

    /** A message from a higher term; returns whether to go on handling it. */
    private boolean stepHigherTerm(Message m) {
        if (m.type() == MessageType.VOTE || m.type() == MessageType.PRE_VOTE) {
            boolean force = Arrays.equals(m.context(), CAMPAIGN_TRANSFER);
            boolean inLease = config.checkQuorum() && (lead != 0 || mayHaveGrantedLease())
                && electionElapsed < config.electionTicks();
            if (!force && inLease) {
                return false; // we hear from a leader: a disrupting candidate is ignored
            }
        }
        if (m.type() == MessageType.PRE_VOTE) {
            return true; // answering a pre-vote never changes our term
        }
        if (m.type() == MessageType.PRE_VOTE_RESP && !m.reject()) {
            return true; // a granted pre-vote carries the future term
        }
        boolean fromLeader = m.type() == MessageType.APP || m.type() == MessageType.HEARTBEAT
            || m.type() == MessageType.SNAP;
        becomeFollower(m.term(), fromLeader ? m.from() : 0);
        return true;
    }

    /**
     * With lease reads, a member that acknowledged a leader's heartbeat and restarted at once no
     * longer knows it granted that leader a lease: it honours one for an election timeout after
     * starting, as if it had just heard from a leader, so no other leader is elected meanwhile.
     */
    private boolean mayHaveGrantedLease() {
        return config.leaseReads() && restarted && ticks < config.electionTicks();
    }

    private void stepLowerTerm(Message m) {
        if ((config.checkQuorum() || config.preVote())
            && (m.type() == MessageType.HEARTBEAT || m.type() == MessageType.APP)) {
            // A stale leader (e.g. back from a partition): tell it our term so it steps down.
            send(Message.of(MessageType.APP_RESP, id, m.from(), term));
        } else if (m.type() == MessageType.PRE_VOTE) {
            send(Message.of(MessageType.PRE_VOTE_RESP, id, m.from(), term).withReject(true, 0));
        }
    }

    private void handleVoteRequest(Message m) {
        boolean pre = m.type() == MessageType.PRE_VOTE;
        boolean canVote = vote == m.from() || (vote == 0 && lead == 0) || (pre && m.term() > term);
        MessageType resp = pre ? MessageType.PRE_VOTE_RESP : MessageType.VOTE_RESP;
        if (canVote && log.isUpToDate(m.index(), m.logTerm())) {
            send(Message.of(resp, id, m.from(), m.term()));
            if (!pre) {
                electionElapsed = 0;
                vote = m.from();
            }
        } else {
            send(Message.of(resp, id, m.from(), term).withReject(true, 0));
        }
    }

    private void stepByRole(Message m) {
        switch (role) {
            case LEADER -> leadership.step(m);
            case PRE_CANDIDATE, CANDIDATE -> stepCandidate(m);
            default -> stepFollower(m);
        }
    }

    private void stepCandidate(Message m) {
        MessageType myResp = role == Role.PRE_CANDIDATE ? MessageType.PRE_VOTE_RESP : MessageType.VOTE_RESP;
        switch (m.type()) {
            case PROP -> throw new ProposalDroppedException("no leader: an election is under way", 0, true);
            case READ_INDEX -> dropRead(m, "no leader: an election is under way");
            case APP, HEARTBEAT, SNAP -> {
                becomeFollower(m.term(), m.from());
                stepFollower(m);
            }
            default -> {
                if (m.type() == myResp) {
                    countVote(m);
                }
            }
        }
    }

    private void countVote(Message m) {
        recordVote(m.from(), !m.reject());
        if (!m.reject() && tally(true) >= quorum()) {
            if (role == Role.PRE_CANDIDATE) {
                campaign(false, false);
            } else {
                becomeLeader();
            }
        } else if (m.reject() && tally(false) >= quorum()) {
            becomeFollower(term, 0);
        }
    }

    private void stepFollower(Message m) {
        switch (m.type()) {
            case PROP -> {
                if (lead == 0) {
                    throw new ProposalDroppedException("no leader known", 0, true);
                }
                send(m.withTo(lead));
            }
            case APP -> {
                electionElapsed = 0;
                lead = m.from();
                handleAppend(m);
            }
            case HEARTBEAT -> {
                electionElapsed = 0;
                lead = m.from();
                log.commitTo(Math.min(m.commit(), log.lastIndex()));
                send(Message.of(MessageType.HEARTBEAT_RESP, id, m.from(), term).withLog(0, m.index()));
            }
            case SNAP -> {
                electionElapsed = 0;
                lead = m.from();
                handleSnapshot(m);
            }
            case TRANSFER_LEADER -> {
                if (lead == 0) {
                    throw new ProposalDroppedException("no leader to transfer leadership from", 0);
                }
                send(m.withTo(lead));
            }
            case TIMEOUT_NOW -> campaign(false, true);
            case READ_INDEX -> {
                if (lead == 0) {
                    dropRead(m, "no leader known");
                    return;
                }
                send(m.withTo(lead));
            }
            case READ_INDEX_RESP -> readStates.add(new ReadState(m.index(), m.context()));
            default -> { }
        }
    }

    void dropRead(Message m, String why) {
        if (m.from() == 0 || m.from() == id) {
            readStates.add(new ReadState(ReadState.DROPPED, m.context()));
        } else {
            send(Message.of(MessageType.READ_INDEX_RESP, id, m.from(), term).withLog(0, ReadState.DROPPED)
                .withContext(m.context()));
        }
    }

    private void handleAppend(Message m) {
        if (m.index() < log.committed()) {
            send(Message.of(MessageType.APP_RESP, id, m.from(), term).withLog(0, log.committed()));
            return;
        }
        long lastNew = log.maybeAppend(m.index(), m.logTerm(), m.commit(), m.entries());
        if (lastNew >= 0) {
            send(Message.of(MessageType.APP_RESP, id, m.from(), term).withLog(0, lastNew));
            return;
        }
        long hintIndex = log.findConflictByTerm(Math.min(m.index(), log.lastIndex()), m.logTerm());
        send(Message.of(MessageType.APP_RESP, id, m.from(), term).withLog(log.term(hintIndex), m.index())
            .withReject(true, hintIndex));
    }

    private void handleSnapshot(Message m) {
        long matched = restore(m.snapshot()) ? log.lastIndex() : log.committed();
        send(Message.of(MessageType.APP_RESP, id, m.from(), term).withLog(0, matched));
    }

    private boolean restore(Snapshot snap) {
        SnapshotMeta meta = snap.meta();
        if (meta.index() <= log.committed()) {
            return false;
        }
        if (log.matchTerm(meta.index(), meta.term())) {
            log.commitTo(meta.index()); // we already hold the log it covers
            return false;
        }
        log.restore(snap);
        conf = meta.conf();
        return true;
    }

    // ---- membership ----

    void applyConfChange(ConfChange cc) {
        conf = conf.apply(cc);
        if (role == Role.LEADER) {
            leadership.onConfChange(cc);
        } else if (!promotable() && (role == Role.CANDIDATE || role == Role.PRE_CANDIDATE)) {
            becomeFollower(term, 0); // no longer a voter: a campaign begun under the old configuration is void
        }
    }
}
