package io.concordkv.raft.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * How a leader confirms linearizable reads (ReadIndex): a read is answered with the commit index
 * it saw on arrival once a majority has acknowledged a heartbeat round sent after it arrived, so
 * no newer leader can have existed then. Rounds are numbered; every heartbeat starts one, and at
 * most one extra round is started for reads while another is in flight, so concurrent reads share
 * rounds. With lease reads on, a leader answers at once while its lease holds: until
 * {@code electionTicks - leaseDriftTicks} ticks after the send time of the newest round a majority
 * acknowledged (no member votes for another leader within an election timeout of hearing from us).
 * Reads wait until the leader has committed an entry of its own term. Not thread-safe.
 */
final class LeaderReads {
    private record Pending(long index, long round, Message request) { }

    private final Raft r;
    private long round;
    /** (round, tick it was sent at) for recent rounds, oldest first. */
    private final ArrayDeque<long[]> roundTicks = new ArrayDeque<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final List<Message> awaitingCommit = new ArrayList<>();

    LeaderReads(Raft raft) {
        this.r = raft;
    }

    void start() {
        roundTicks.clear();
        round = 0;
    }

    long newRound() {
        round++;
        roundTicks.addLast(new long[] {round, r.ticks});
        while (roundTicks.size() > 64) {
            roundTicks.pollFirst();
        }
        return round;
    }

    void request(Message m) {
        if (r.log.term(r.log.committed()) != r.term) {
            awaitingCommit.add(m); // answered once the no-op of this term commits
            return;
        }
        long index = r.log.committed();
        if (r.conf.voters().size() == 1 || (r.config.leaseReads() && leaseValid())) {
            answer(m, index);
            return;
        }
        if (round == quorumRound()) {
            r.leadership.broadcastHeartbeat();
            pending.addLast(new Pending(index, round, m));
        } else {
            pending.addLast(new Pending(index, round + 1, m));
        }
    }

    void onCommit() {
        if (!awaitingCommit.isEmpty() && r.log.term(r.log.committed()) == r.term) {
            List<Message> ready = new ArrayList<>(awaitingCommit);
            awaitingCommit.clear();
            ready.forEach(this::request);
        }
    }

    void ack(long from, Progress pr, long ackedRound) {
        if (ackedRound > pr.ackedRound && ackedRound <= round) {
            pr.ackedRound = ackedRound;
            pr.ackedTick = tickOf(ackedRound);
        }
        long confirmed = quorumRound();
        while (!pending.isEmpty() && pending.peekFirst().round() <= confirmed) {
            Pending p = pending.pollFirst();
            answer(p.request(), p.index());
        }
        if (!pending.isEmpty() && confirmed == round) {
            r.leadership.broadcastHeartbeat(); // reads arrived while the last round was in flight
        }
    }

    private long tickOf(long acked) {
        for (long[] rt : roundTicks) {
            if (rt[0] == acked) {
                return rt[1];
            }
        }
        return Long.MIN_VALUE / 2; // too old to matter
    }

    private long quorumRound() {
        return quorumValue(true);
    }

    private boolean leaseValid() {
        long start = quorumValue(false);
        return r.leadTransferee == 0 && r.ticks < start + r.config.electionTicks() - r.config.leaseDriftTicks();
    }

    /** The value a majority of voters has reached: acknowledged round, or that round's send tick. */
    private long quorumValue(boolean rounds) {
        List<Long> values = new ArrayList<>();
        for (long voter : r.conf.voters()) {
            if (voter == r.id) {
                values.add(rounds ? round : r.ticks);
            } else {
                Progress pr = r.progress.get(voter);
                values.add(pr == null ? Long.MIN_VALUE / 2 : rounds ? pr.ackedRound : pr.ackedTick);
            }
        }
        values.sort(java.util.Comparator.reverseOrder());
        return values.get(r.quorum() - 1);
    }

    private void answer(Message m, long index) {
        if (m.from() == 0 || m.from() == r.id) {
            r.readStates.add(new ReadState(index, m.context()));
        } else {
            r.send(Message.of(MessageType.READ_INDEX_RESP, r.id, m.from(), r.term).withLog(0, index)
                .withContext(m.context()));
        }
    }

    void dropAll() {
        for (Pending p : pending) {
            r.dropRead(p.request(), "leadership lost");
        }
        for (Message m : awaitingCommit) {
            r.dropRead(m, "leadership lost");
        }
        pending.clear();
        awaitingCommit.clear();
    }
}
