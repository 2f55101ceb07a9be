package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Membership changes, one at a time: learners, promotion, removal (of the leader too). */
class MembershipTest {
    private static final RaftConfig DEFAULTS = RaftConfig.defaults(1, new Random(0));
    private static final int ELECTION = DEFAULTS.electionTicks();
    private static final int HEARTBEAT = DEFAULTS.heartbeatTicks();

    private static ConfChange change(ConfChange.Type type, long id) {
        return new ConfChange(type, id, new byte[0]);
    }

    private static void changeConf(CoreHarness h, long leader, ConfChange.Type type, long id) {
        h.node(leader).proposeConfChange(change(type, id));
        h.stabilize();
    }

    private static boolean voteRequest(Message m) {
        return m.type() == MessageType.VOTE || m.type() == MessageType.PRE_VOTE;
    }

    /** Three voters and a caught-up learner 4, led by member 1; "before" was applied before 4 joined. */
    private static CoreHarness withLearner(long seed) {
        CoreHarness h = new CoreHarness(3, seed);
        h.elect(1);
        h.propose(1, "before");
        h.addMember(4);
        changeConf(h, 1, ConfChange.Type.ADD_LEARNER, 4);
        h.tick(1, HEARTBEAT); // the leader's heartbeat finds the new member, which is then sent the log
        return h;
    }

    /** Ticks everyone until a member other than {@code old} leads; returns it. */
    private static long awaitNewLeader(CoreHarness h, long old) {
        for (int ticks = 0; h.leader() == 0 || h.leader() == old; ticks++) {
            assertThat(ticks).as("ticks to elect a new leader").isLessThan(4 * ELECTION);
            h.tickAll(1);
        }
        return h.leader();
    }

    @Test
    void learnerReceivesTheLogButDoesNotCountForCommits() {
        CoreHarness h = withLearner(501);
        h.propose(1, "after");
        ConfState expected = new ConfState(Set.of(1L, 2L, 3L), Set.of(4L));
        for (long id : h.ids()) {
            assertThat(h.status(id).conf()).as("configuration on %d", id).isEqualTo(expected);
            assertThat(h.member(id).applied).as("applied on %d", id).containsExactly("before", "after");
        }

        long commit = h.status(1).commit();
        h.cut(1, 2);
        h.cut(1, 3);
        h.propose(1, "only-the-learner-has-it");
        assertThat(h.status(1).matchIndex()).containsEntry(4L, commit + 1);
        assertThat(h.status(1).commit()).isEqualTo(commit);
        assertThat(h.status(4).commit()).isEqualTo(commit);
    }

    @Test
    void learnerNeitherCampaignsNorIsAskedToVote() {
        CoreHarness h = withLearner(503);
        h.isolate(1);
        long leader = awaitNewLeader(h, 1);
        h.tickAll(4 * ELECTION);

        assertThat(leader).isIn(2L, 3L);
        assertThat(h.countSent(m -> voteRequest(m) && (m.from() == 4 || m.to() == 4))).isZero();
        assertThat(h.status(4).role()).isEqualTo(Role.FOLLOWER);
        assertThat(h.status(4).leader()).isEqualTo(leader);
    }

    @Test
    void promotedLearnerCountsTowardTheMajority() {
        CoreHarness h = withLearner(505);
        changeConf(h, 1, ConfChange.Type.ADD_VOTER, 4);
        for (long id : h.ids()) {
            assertThat(h.status(id).conf()).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L, 4L)));
        }

        h.cut(1, 3);
        h.propose(1, "three-of-four");
        assertThat(h.member(4).applied).endsWith("three-of-four");

        h.cut(1, 2);
        long commit = h.status(1).commit();
        h.propose(1, "two-of-four");
        assertThat(h.status(1).matchIndex()).containsEntry(4L, commit + 1);
        assertThat(h.status(1).commit()).isEqualTo(commit);
    }

    @Test
    void removingMembersShrinksTheQuorum() {
        CoreHarness h = new CoreHarness(5, 507);
        h.elect(1);
        changeConf(h, 1, ConfChange.Type.REMOVE, 5);
        changeConf(h, 1, ConfChange.Type.REMOVE, 4);
        assertThat(h.status(1).conf()).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L)));
        assertThat(h.status(2).conf()).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L)));

        h.isolate(3);
        h.isolate(4);
        h.isolate(5);
        long toRemoved = h.countSent(m -> m.from() == 1 && m.to() >= 4);
        h.propose(1, "two-of-three");
        h.tick(1, 2 * ELECTION); // check-quorum counts the remaining voters only

        assertThat(h.member(1).applied).containsExactly("two-of-three");
        assertThat(h.member(2).applied).containsExactly("two-of-three");
        assertThat(h.status(1).role()).isEqualTo(Role.LEADER);
        assertThat(h.countSent(m -> m.from() == 1 && m.to() >= 4)).isEqualTo(toRemoved);
    }

    @Test
    void secondConfChangeWhileOneIsPendingIsRefused() {
        CoreHarness h = new CoreHarness(3, 509);
        h.elect(1);
        h.addMember(4);
        h.addMember(5);

        h.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4));
        assertThatThrownBy(() -> h.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 5)))
            .isInstanceOf(ProposalDroppedException.class);
        h.stabilize();
        h.propose(1, "normal entries are fine meanwhile");

        changeConf(h, 1, ConfChange.Type.ADD_LEARNER, 5); // the first one is applied: accepted now
        assertThat(h.status(1).conf().learners()).containsExactlyInAnyOrder(4L, 5L);
    }

    @Test
    void removedLeaderStepsDownAndTheRestElectANewLeader() {
        CoreHarness h = new CoreHarness(3, 511);
        h.elect(1);
        h.propose(1, "a");
        changeConf(h, 1, ConfChange.Type.REMOVE, 1);

        assertThat(h.status(1).role()).isEqualTo(Role.FOLLOWER);
        for (long id : h.ids()) {
            assertThat(h.status(id).conf()).as("configuration on %d", id).isEqualTo(ConfState.ofVoters(Set.of(2L, 3L)));
        }
        long campaignsOf1 = h.countSent(m -> voteRequest(m) && m.from() == 1); // those that elected it
        long leader = awaitNewLeader(h, 1);
        h.propose(leader, "b");
        h.tickAll(4 * ELECTION);

        assertThat(h.leaders()).containsExactly(leader);
        assertThat(h.member(2).applied).containsExactly("a", "b");
        assertThat(h.member(3).applied).containsExactly("a", "b");
        assertThat(h.member(1).applied).containsExactly("a");
        assertThat(h.countSent(m -> voteRequest(m) && m.from() == 1)).isEqualTo(campaignsOf1);
    }

    /**
     * Regression: member 4 learned that its removal committed and, in the same batch, got the
     * TIMEOUT_NOW of a transfer to it; it campaigned with the old configuration, applied its removal
     * while a candidate, then won: a leader outside its own configuration, which refused every
     * proposal while its heartbeats kept the others from electing anyone else.
     */
    @Test
    void memberRemovedWhileCampaigningDoesNotBecomeLeader() {
        CoreHarness h = new CoreHarness(4, 513);
        h.elect(1);
        h.node(1).proposeConfChange(change(ConfChange.Type.REMOVE, 4));
        h.node(1).transferLeadership(4);
        h.stabilize();

        assertThat(h.countDelivered(m -> m.type() == MessageType.TIMEOUT_NOW && m.to() == 4)).isEqualTo(1);
        assertThat(h.status(4).conf()).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L)));
        assertThat(h.status(4).role()).isNotEqualTo(Role.LEADER);

        long leader = awaitNewLeader(h, 4);
        assertThat(leader).isIn(1L, 2L, 3L);
        h.propose(leader, "after");
        for (long id = 1; id <= 3; id++) {
            assertThat(h.member(id).applied).as("applied on %d", id).containsExactly("after");
        }
    }
}
