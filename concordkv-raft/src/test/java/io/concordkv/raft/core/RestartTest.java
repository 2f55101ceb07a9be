package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A member rebuilt from its storage: term, vote, committed entries and membership survive. */
class RestartTest {
    private static final int HEARTBEAT = 5;

    private static void changeConf(CoreHarness h, ConfChange.Type type, long id) {
        h.node(1).proposeConfChange(new ConfChange(type, id, new byte[0]));
        h.stabilize();
    }

    @Test
    void restartedMemberKeepsTermAndVoteAndReappliesCommittedEntries() {
        CoreHarness h = new CoreHarness(3, 701);
        h.elect(1);
        h.propose(1, "a");
        h.propose(1, "b");
        Status before = h.status(2);

        h.restart(2);
        Status after = h.status(2);
        assertThat(after.term()).isEqualTo(before.term());
        assertThat(after.vote()).isEqualTo(1);
        assertThat(after.commit()).isEqualTo(before.commit());
        assertThat(after.role()).isEqualTo(Role.FOLLOWER);
        assertThat(h.member(2).applied).isEmpty();

        h.stabilize();
        assertThat(h.member(2).applied).containsExactly("a", "b");
        assertThat(h.member(2).appliedIndex).isEqualTo(before.commit());

        h.tick(1, HEARTBEAT);
        h.propose(1, "c");
        assertThat(h.status(2).leader()).isEqualTo(1);
        assertThat(h.member(2).applied).containsExactly("a", "b", "c");
    }

    @Test
    void restartedMemberDoesNotVoteTwiceInOneTerm() {
        CoreHarness h = new CoreHarness(3, 703);
        h.elect(1);
        long term = h.status(3).term();
        h.restart(3);
        h.isolate(1);

        Status s = h.status(3);
        h.send(List.of(Message.of(MessageType.VOTE, 2, 3, term).withLog(h.node(2).termAt(s.lastIndex()),
            s.lastIndex())));
        h.stabilize();
        Message answer = h.delivered.get(h.delivered.size() - 1);
        assertThat(answer.type()).isEqualTo(MessageType.VOTE_RESP);
        assertThat(answer.from()).isEqualTo(3);
        assertThat(answer.reject()).as("member 3 voted for 1 in term %d before restarting", term).isTrue();
        assertThat(h.status(3).vote()).isEqualTo(1);
    }

    @Test
    void restartedMemberKnowsTheMembershipIncludingLaterConfChanges() {
        CoreHarness h = new CoreHarness(3, 705);
        h.elect(1);
        h.addMember(4);
        changeConf(h, ConfChange.Type.ADD_LEARNER, 4);
        h.tick(1, HEARTBEAT);
        changeConf(h, ConfChange.Type.ADD_VOTER, 4);
        changeConf(h, ConfChange.Type.REMOVE, 3);
        h.propose(1, "x");
        ConfState expected = ConfState.ofVoters(Set.of(1L, 2L, 4L));

        for (long id : new long[] {1, 2, 4}) {
            h.restart(id);
            assertThat(h.status(id).conf()).as("configuration of %d before replaying", id).isEqualTo(expected);
        }
        long voteRequestsTo3 = h.countSent(m -> m.to() == 3 && m.type() == MessageType.VOTE);
        h.elect(2); // needs a vote from 1 or 4 of voters {1, 2, 4}
        assertThat(h.countSent(m -> m.to() == 3 && m.type() == MessageType.VOTE)).isEqualTo(voteRequestsTo3);
        h.propose(2, "y");
        for (long id : new long[] {1, 2, 4}) {
            assertThat(h.member(id).applied).as("applied on %d", id).containsExactly("x", "y");
            assertThat(h.status(id).conf()).isEqualTo(expected);
        }
    }

    @Test
    void restartedMemberRebuildsItsStateFromSnapshotAndLog() {
        CoreHarness h = new CoreHarness(3, 707);
        h.elect(1);
        h.propose(1, "a", "b");
        CoreMember m = h.member(2);
        m.storage.compact(m.snapshotAtApplied());
        h.propose(1, "c");

        h.restart(2);
        assertThat(m.applied).containsExactly("a", "b");
        h.stabilize();
        assertThat(m.applied).containsExactly("a", "b", "c");
        assertThat(m.appliedEntries).singleElement().satisfies(e -> assertThat(e.index()).isEqualTo(4));
    }
}
