package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Snapshots: a follower behind the leader's compacted log is sent one, installs it, and catches up. */
class SnapshotTest {
    private static final int HEARTBEAT = 5;

    private static boolean snap(Message m) {
        return m.type() == MessageType.SNAP;
    }

    /** Member 1 leads; member 3 missed p0..p9 and member 1 compacted its log behind them. */
    private static Snapshot leaderCompactedBehindMember3(CoreHarness h) {
        h.elect(1);
        h.propose(1, "a");
        h.isolate(3);
        for (int i = 0; i < 10; i++) {
            h.propose(1, "p" + i);
        }
        CoreMember leader = h.member(1);
        Snapshot snap = leader.snapshotAtApplied();
        leader.storage.compact(snap);
        assertThat(h.status(1).firstIndex()).isEqualTo(snap.meta().index() + 1).isGreaterThan(h.status(3).lastIndex());
        return snap;
    }

    @Test
    void followerBehindTheCompactedLogInstallsASnapshotAndCatchesUp() {
        CoreHarness h = new CoreHarness(3, 601);
        Snapshot snap = leaderCompactedBehindMember3(h);
        assertThat(snap.meta().index()).isEqualTo(12);
        assertThat(snap.meta().conf()).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L)));

        h.heal(3);
        h.tick(1, HEARTBEAT);
        assertThat(h.countDelivered(m -> snap(m) && m.to() == 3)).isEqualTo(1);
        CoreMember follower = h.member(3);
        assertThat(follower.storage.snapshot()).as("the Ready handed the snapshot over").isSameAs(snap);
        assertThat(follower.appliedIndex).isEqualTo(12);
        assertThat(follower.applied).isEqualTo(h.member(1).applied);
        assertThat(h.status(3).firstIndex()).isEqualTo(13);
        assertThat(h.status(3).commit()).isEqualTo(12);

        h.propose(1, "later");
        assertThat(follower.applied).endsWith("p9", "later").isEqualTo(h.member(1).applied);
        assertThat(h.status(1).matchIndex()).containsEntry(3L, 13L);
    }

    @Test
    void leaderRetriesASnapshotReportedAsFailed() {
        CoreHarness h = new CoreHarness(3, 603);
        leaderCompactedBehindMember3(h);
        h.reportSnapshots = false; // this test plays the transport
        h.heal(3);
        h.drop(SnapshotTest::snap);
        h.tick(1, HEARTBEAT);
        assertThat(h.countSent(SnapshotTest::snap)).isEqualTo(1);

        h.healAll();
        h.tick(1, 3 * HEARTBEAT); // the leader waits to hear how the snapshot went
        assertThat(h.countSent(SnapshotTest::snap)).isEqualTo(1);
        assertThat(h.member(3).applied).containsExactly("a");

        h.node(1).reportSnapshot(3, false);
        h.tick(1, HEARTBEAT);
        assertThat(h.countSent(SnapshotTest::snap)).isEqualTo(2);
        assertThat(h.member(3).applied).isEqualTo(h.member(1).applied).hasSize(11);
    }

    @Test
    void memberJoiningAfterCompactionLearnsTheConfigurationFromTheSnapshot() {
        CoreHarness h = new CoreHarness(3, 605);
        h.elect(1);
        h.propose(1, "a", "b");
        for (long id : h.ids()) {
            CoreMember m = h.member(id);
            m.storage.compact(m.snapshotAtApplied());
        }
        h.addMember(4, ConfState.EMPTY);
        h.node(1).proposeConfChange(new ConfChange(ConfChange.Type.ADD_LEARNER, 4, new byte[0]));
        h.stabilize();
        h.tick(1, HEARTBEAT);
        h.node(1).proposeConfChange(new ConfChange(ConfChange.Type.ADD_VOTER, 4, new byte[0]));
        h.stabilize();

        assertThat(h.member(4).storage.snapshot().meta().index()).isEqualTo(3);
        assertThat(h.status(4).conf()).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L, 4L)));
        h.propose(1, "c");
        assertThat(h.member(4).applied).containsExactly("a", "b", "c");
    }
}
