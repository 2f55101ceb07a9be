package io.concordkv.raft.core;

import java.util.Random;

/**
 * Settings of one member's core. Times are in ticks: the runtime ticks the core at a fixed
 * interval (10 ms by default, so the defaults give a 150–300 ms randomised election timeout and a
 * 50 ms heartbeat).
 *
 * @param id this member's id (positive)
 * @param electionTicks the base election timeout; each member waits a random time in
 *     {@code [electionTicks, 2 * electionTicks)} without hearing from a leader before campaigning
 * @param heartbeatTicks how often a leader sends heartbeats (must be below electionTicks)
 * @param preVote whether a member first checks it could win before raising its term
 * @param checkQuorum whether a leader steps down when it has not heard from a majority for an
 *     election timeout (and members ignore vote requests while they hear from a leader)
 * @param maxInflight appends in flight to one follower before the leader waits for responses
 * @param maxMessageBytes a soft limit on the entry bytes of one append
 * @param leaseReads whether a leader answers linearizable reads from its lease instead of a
 *     heartbeat round (requires checkQuorum; see {@link #leaseDriftTicks}); a member restarted with
 *     lease reads on ignores vote requests for an election timeout, as it may have granted a lease
 * @param leaseDriftTicks the clock-drift bound a lease read allows for: a leader serves lease reads
 *     only until {@code electionTicks - leaseDriftTicks} ticks after the last heartbeat round a
 *     majority acknowledged
 * @param random the source of randomness for election timeouts (seeded in tests)
 */
public record RaftConfig(long id, int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum,
                         int maxInflight, long maxMessageBytes, boolean leaseReads, int leaseDriftTicks,
                         Random random) {
    public RaftConfig {
        if (id <= 0) {
            throw new IllegalArgumentException("member id must be positive: " + id);
        }
        if (heartbeatTicks <= 0 || electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("need 0 < heartbeatTicks < electionTicks");
        }
        if (maxInflight <= 0 || maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxInflight and maxMessageBytes must be positive");
        }
        if (leaseReads && !checkQuorum) {
            throw new IllegalArgumentException("lease reads need checkQuorum");
        }
        if (leaseDriftTicks < 0 || leaseDriftTicks >= electionTicks) {
            throw new IllegalArgumentException("leaseDriftTicks must be in [0, electionTicks)");
        }
    }

    /** The defaults: election 15 ticks, heartbeat 5, pre-vote and check-quorum on, 256 in flight, 1 MiB messages. */
    public static RaftConfig defaults(long id, Random random) {
        return new RaftConfig(id, 15, 5, true, true, 256, 1024 * 1024, false, 3, random);
    }

    public RaftConfig withLeaseReads(boolean on) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflight, maxMessageBytes, on,
            leaseDriftTicks, random);
    }

    public RaftConfig withTicks(int election, int heartbeat) {
        return new RaftConfig(id, election, heartbeat, preVote, checkQuorum, maxInflight, maxMessageBytes, leaseReads,
            leaseDriftTicks, random);
    }
}
