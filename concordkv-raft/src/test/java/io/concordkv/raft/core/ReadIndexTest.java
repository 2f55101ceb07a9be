package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Linearizable reads: ReadIndex confirmed by a heartbeat round, forwarded reads, dropped reads, leases. */
class ReadIndexTest {
    private static final RaftConfig DEFAULTS = RaftConfig.defaults(1, new Random(0));
    private static final int ELECTION = DEFAULTS.electionTicks();
    private static final int HEARTBEAT = DEFAULTS.heartbeatTicks();

    private static boolean heartbeat(Message m) {
        return m.type() == MessageType.HEARTBEAT;
    }

    @Test
    void leaderAnswersAReadOnlyOnceAMajorityAcknowledgedAHeartbeatRound() {
        CoreHarness h = new CoreHarness(3, 301);
        h.elect(1);
        h.propose(1, "x");
        long commit = h.status(1).commit();
        h.hold(2);
        h.hold(3); // followers get the heartbeats but their answers stay unsent

        long heartbeatsBefore = h.countSent(ReadIndexTest::heartbeat);
        h.readIndex(1, "r1");
        h.stabilize();
        assertThat(h.countSent(ReadIndexTest::heartbeat)).isEqualTo(heartbeatsBefore + 2);
        assertThat(h.member(1).readState("r1")).isEmpty();

        h.release(2); // one acknowledgement: with the leader, a majority
        h.stabilize();
        assertThat(h.member(1).readState("r1")).hasValueSatisfying(rs -> {
            assertThat(rs.dropped()).isFalse();
            assertThat(rs.index()).isEqualTo(commit);
        });
    }

    @Test
    void newLeaderAnswersReadsOnlyAfterCommittingAnEntryOfItsTerm() {
        CoreHarness h = new CoreHarness(3, 302);
        h.elect(1);
        h.propose(1, "old");
        h.drop(m -> m.type() == MessageType.APP_RESP && m.to() == 2); // the next leader's no-op will not commit
        h.node(1).transferLeadership(2);
        h.stabilize();
        assertThat(h.leader()).isEqualTo(2);
        assertThat(h.status(2).commit()).isLessThan(h.status(2).lastIndex());

        h.readIndex(2, "early");
        h.tick(2, HEARTBEAT); // heartbeat rounds are acknowledged, but the read must wait for the no-op
        assertThat(h.member(2).reads).isEmpty();

        h.healAll();
        h.tick(2, 2 * HEARTBEAT); // the lost probe is retried with backoff: on the second heartbeat
        long noOp = h.status(2).lastIndex();
        assertThat(h.status(2).commit()).isEqualTo(noOp);
        assertThat(h.member(2).readState("early")).hasValueSatisfying(rs -> {
            assertThat(rs.dropped()).isFalse();
            assertThat(rs.index()).isEqualTo(noOp);
        });
    }

    @Test
    void leaderCutOffFromItsFollowersAnswersNoRead() {
        CoreHarness h = new CoreHarness(3, 303);
        h.elect(1);
        h.cut(1, 2);
        h.cut(1, 3);
        h.readIndex(1, "r1");
        h.tick(1, ELECTION - 1); // more heartbeat rounds, none acknowledged; not yet time to step down
        assertThat(h.status(1).role()).isEqualTo(Role.LEADER);
        assertThat(h.member(1).reads).isEmpty();

        h.reconnect(1, 2);
        h.tick(1, HEARTBEAT);
        assertThat(h.member(1).readState("r1")).hasValueSatisfying(rs -> assertThat(rs.dropped()).isFalse());
    }

    @Test
    void followerReadIsForwardedAndAnsweredWithTheLeadersCommitIndex() {
        CoreHarness h = new CoreHarness(3, 307);
        h.elect(1);
        h.propose(1, "a", "b");
        h.readIndex(3, "f1");
        h.stabilize();

        assertThat(h.countDelivered(m -> m.type() == MessageType.READ_INDEX && m.from() == 3 && m.to() == 1))
            .isEqualTo(1);
        assertThat(h.member(3).readState("f1")).hasValueSatisfying(rs -> {
            assertThat(rs.dropped()).isFalse();
            assertThat(rs.index()).isEqualTo(h.status(1).commit()).isEqualTo(3);
        });
        assertThat(h.member(1).reads).isEmpty();
    }

    @Test
    void readWithoutAKnownLeaderIsDropped() {
        CoreHarness h = new CoreHarness(3, 309);
        h.readIndex(2, "n1");
        h.stabilize();
        assertThat(h.member(2).readState("n1")).hasValueSatisfying(rs -> assertThat(rs.dropped()).isTrue());
        assertThat(h.sent).isEmpty();
    }

    @Test
    void readsPendingWhenTheLeaderStepsDownAreDropped() {
        CoreHarness h = new CoreHarness(3, 311);
        h.elect(1);
        h.cut(1, 3);
        h.drop(m -> m.type() == MessageType.HEARTBEAT_RESP); // member 2 hears the leader but is not heard
        h.readIndex(1, "local");
        h.readIndex(2, "forwarded");
        h.stabilize();
        assertThat(h.member(1).reads).isEmpty();
        assertThat(h.member(2).reads).isEmpty();

        h.tick(1, 2 * ELECTION); // check-quorum: the leader steps down
        assertThat(h.status(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(h.member(1).readState("local")).hasValueSatisfying(rs -> assertThat(rs.dropped()).isTrue());
        assertThat(h.member(2).readState("forwarded")).hasValueSatisfying(rs -> assertThat(rs.dropped()).isTrue());
    }

    @Test
    void leaseReadIsAnsweredAtOnceWhileTheLeaseHoldsAndNotAfterItLapses() {
        CoreHarness h = new CoreHarness(3, 313, c -> c.withLeaseReads(true));
        h.elect(1);
        h.tick(1, HEARTBEAT); // a heartbeat round sent on this tick, acknowledged by both: the lease starts here
        h.cut(1, 2);
        h.cut(1, 3);
        long commit = h.status(1).commit();
        int lease = ELECTION - DEFAULTS.leaseDriftTicks();

        for (int k = 0; k < lease; k++) {
            long heartbeats = h.countSent(ReadIndexTest::heartbeat);
            h.readIndex(1, "lease-" + k);
            h.stabilize();
            assertThat(h.member(1).readState("lease-" + k)).as("read %d ticks into the lease", k)
                .hasValueSatisfying(rs -> assertThat(rs.index()).isEqualTo(commit));
            assertThat(h.countSent(ReadIndexTest::heartbeat)).isEqualTo(heartbeats); // no round needed
            h.tick(1, 1);
        }
        assertThat(h.status(1).role()).isEqualTo(Role.LEADER);
        h.readIndex(1, "lapsed");
        h.stabilize();
        assertThat(h.member(1).readState("lapsed")).isEmpty();

        h.tick(1, 2 * ELECTION);
        assertThat(h.member(1).readState("lapsed")).hasValueSatisfying(rs -> assertThat(rs.dropped()).isTrue());
    }

    /**
     * Member 2 acknowledges the leader's heartbeat and restarts at once; member 3, cut off from the
     * leader, campaigns. Had the restarted member forgotten that it just heard from a leader, it
     * would vote for 3, which would commit a write while member 1 still answered lease reads
     * without it: a stale read.
     */
    @Test
    void restartedMemberDoesNotVoteWithinTheLeaseItMayHaveGranted() {
        CoreHarness h = new CoreHarness(3, 315, c -> c.withLeaseReads(true));
        h.elect(1);
        h.cut(1, 3);
        h.tick(1, HEARTBEAT); // member 2 acknowledges: member 1's lease runs from here
        h.cut(1, 2);
        h.restart(2);
        h.stabilize();

        h.node(3).campaign(); // its timer fires
        h.stabilize();
        if (h.leader() == 3) {
            h.propose(3, "w");
        }
        long committed = h.ids().stream().mapToLong(id -> h.status(id).commit()).max().orElseThrow();
        h.readIndex(1, "during-lease");
        h.stabilize();

        assertThat(h.member(1).readState("during-lease")).hasValueSatisfying(
            rs -> assertThat(rs.index()).as("index of a read issued after %d committed", committed)
                .isGreaterThanOrEqualTo(committed));
        assertThat(h.leaders()).containsExactly(1L);
        assertThat(h.status(2).vote()).isEqualTo(1);

        h.tickAll(3 * ELECTION); // once that lease is over, members 2 and 3 elect a leader
        assertThat(h.leader()).isIn(2L, 3L);
        assertThat(h.status(1).role()).isNotEqualTo(Role.LEADER);
    }
}
