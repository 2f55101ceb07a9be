package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Elections: one leader per term, randomised timeouts, pre-vote and check-quorum. */
class ElectionTest {
    private static final int ELECTION = RaftConfig.defaults(1, new Random(0)).electionTicks();
    private static final int HEARTBEAT = RaftConfig.defaults(1, new Random(0)).heartbeatTicks();

    @Test
    void campaignElectsExactlyOneLeaderThatEveryoneLearnsAndItsNoOpCommits() {
        CoreHarness h = new CoreHarness(3, 11);
        h.elect(1);

        assertThat(h.leaders()).containsExactly(1L);
        long term = h.status(1).term();
        assertThat(term).isEqualTo(1);
        for (long id : h.ids()) {
            Status s = h.status(id);
            assertThat(s.leader()).as("leader known to %d", id).isEqualTo(1);
            assertThat(s.term()).isEqualTo(term);
            assertThat(s.commit()).as("no-op committed on %d", id).isEqualTo(1);
            assertThat(h.node(id).termAt(1)).isEqualTo(term);
            assertThat(h.member(id).appliedEntries).singleElement()
                .satisfies(e -> assertThat(e.data()).isEmpty());
        }
        assertThat(h.status(2).vote()).isEqualTo(1);
        assertThat(h.status(3).vote()).isEqualTo(1);
    }

    @Test
    void ticksAloneElectALeaderWithinTwoElectionTimeouts() {
        for (long seed = 1; seed <= 40; seed++) {
            CoreHarness h = new CoreHarness(3, seed);
            int ticks = 0;
            while (h.leader() == 0 && ticks < 2 * ELECTION) {
                h.tickAll(1);
                ticks++;
            }
            assertThat(h.leaders()).as("seed %d after %d ticks", seed, ticks).hasSize(1);
            long leader = h.leader();
            for (long id : h.ids()) {
                assertThat(h.status(id).leader()).as("seed %d member %d", seed, id).isEqualTo(leader);
            }
        }
    }

    @Test
    void electionTimeoutsAreRandomisedPerMemberWithinOneToTwoBaseTimeouts() {
        CoreHarness h = new CoreHarness(5, 23);
        Map<Long, Integer> firesAt = new TreeMap<>();
        for (long id : h.ids()) {
            h.isolate(id);
        }
        for (int tick = 1; tick <= 2 * ELECTION; tick++) {
            h.tickAll(1);
            for (long id : h.ids()) {
                if (h.status(id).role() != Role.FOLLOWER) {
                    firesAt.putIfAbsent(id, tick);
                }
            }
        }
        System.out.println("election timeouts by member: " + firesAt);
        assertThat(firesAt).hasSize(5);
        assertThat(firesAt.values()).allSatisfy(t -> assertThat(t).isBetween(ELECTION, 2 * ELECTION - 1));
        assertThat(new HashSet<>(firesAt.values())).hasSizeGreaterThan(1);
        // isolated members only pre-vote: nobody raised its term
        for (long id : h.ids()) {
            assertThat(h.status(id).term()).isZero();
            assertThat(h.status(id).role()).isEqualTo(Role.PRE_CANDIDATE);
        }
    }

    @Test
    void isolatedMemberDoesNotRaiseItsTermAndCannotDisruptTheLeaderWhenHealed() {
        CoreHarness h = new CoreHarness(3, 31);
        h.elect(1);
        long term = h.status(1).term();
        h.isolate(3);
        List<Role> rolesOf3 = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            h.tickAll(2 * ELECTION);
            h.propose(1, "while-3-away-" + i);
            rolesOf3.add(h.status(3).role());
            assertThat(h.status(3).term()).as("isolated member's term").isEqualTo(term);
        }
        assertThat(rolesOf3).contains(Role.PRE_CANDIDATE); // it did try
        assertThat(h.countSent(m -> m.from() == 3 && m.type() == MessageType.VOTE)).isZero();

        h.heal(3);
        h.tickAll(2 * ELECTION);
        for (long id : h.ids()) {
            assertThat(h.status(id).term()).as("term of %d", id).isEqualTo(term);
            assertThat(h.status(id).leader()).as("leader known to %d", id).isEqualTo(1);
        }
        assertThat(h.leaders()).containsExactly(1L);
        assertThat(h.member(3).applied).isEqualTo(h.member(1).applied).hasSize(10);
    }

    @Test
    void isolatedLeaderStepsDownAndFollowsTheNewLeaderWhenHealed() {
        CoreHarness h = new CoreHarness(3, 47);
        h.elect(1);
        long oldTerm = h.status(1).term();
        h.isolate(1);

        h.tick(1, 2 * ELECTION); // only the old leader's clock: the others still hear nothing
        assertThat(h.status(1).role()).isNotEqualTo(Role.LEADER);
        assertThat(h.status(1).leader()).isZero();
        assertThat(h.status(1).term()).isEqualTo(oldTerm);

        int ticks = 0;
        while (h.leader() == 0 || h.leader() == 1) {
            h.tickAll(1);
            assertThat(++ticks).as("ticks to elect a new leader").isLessThanOrEqualTo(2 * ELECTION);
        }
        long newLeader = h.leader();
        long newTerm = h.status(newLeader).term();
        assertThat(newLeader).isIn(2L, 3L);
        assertThat(newTerm).isGreaterThan(oldTerm);
        assertThat(h.status(1).term()).as("pre-vote kept the old leader's term").isEqualTo(oldTerm);
        h.propose(newLeader, "after-failover");

        h.heal(1);
        h.tickAll(HEARTBEAT);
        assertThat(h.status(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(h.status(1).leader()).isEqualTo(newLeader);
        assertThat(h.status(1).term()).isEqualTo(newTerm);
        assertThat(h.status(newLeader).term()).isEqualTo(newTerm);
        assertThat(h.member(1).applied).containsExactly("after-failover");
    }
}
