package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replication: ordering, forwarding, repairing a divergent follower quickly, bounded pipelining. */
class ReplicationTest {
    private static final int HEARTBEAT = 5;

    @Test
    void leaderProposalsAreCommittedAndAppliedOnEveryMemberInOrder() {
        CoreHarness h = new CoreHarness(3, 101);
        h.elect(1);
        h.propose(1, "a");
        h.propose(1, "b");
        h.propose(1, "c");
        h.propose(1, "d", "e");

        for (long id : h.ids()) {
            assertThat(h.member(id).applied).as("applied on %d", id).containsExactly("a", "b", "c", "d", "e");
            assertThat(h.member(id).appliedIndex).isEqualTo(6); // the no-op, then five entries
            assertThat(h.status(id).commit()).isEqualTo(6);
        }
    }

    @Test
    void followerForwardsAProposalToTheLeader() {
        CoreHarness h = new CoreHarness(3, 103);
        h.elect(1);
        h.propose(1, "from-leader");
        h.propose(3, "from-follower");

        assertThat(h.countDelivered(m -> m.type() == MessageType.PROP && m.from() == 3 && m.to() == 1)).isEqualTo(1);
        for (long id : h.ids()) {
            assertThat(h.member(id).applied).containsExactly("from-leader", "from-follower");
        }
        assertThat(h.node(1).termAt(3)).isEqualTo(h.status(1).term());
    }

    @Test
    void proposalWithoutAKnownLeaderIsDropped() {
        CoreHarness h = new CoreHarness(3, 107);
        List<byte[]> payload = List.of("x".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> h.node(2).propose(payload)).isInstanceOf(ProposalDroppedException.class)
            .satisfies(e -> assertThat(((ProposalDroppedException) e).leaderHint()).isZero());

        h.isolate(2);
        h.node(2).campaign(); // a pre-candidate knows no leader either
        h.stabilize();
        assertThat(h.status(2).role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThatThrownBy(() -> h.node(2).propose(payload)).isInstanceOf(ProposalDroppedException.class);
        assertThat(h.status(2).lastIndex()).isZero();
    }

    /**
     * Member 3 led term 2 and wrote 1000 entries nobody else has; members 1 and 2 hold 500 entries
     * of term 3 at those indexes. Term-wise backtracking finds the match point in one rejection,
     * not one round trip per entry.
     */
    @Test
    void divergentFollowerIsRepairedInAHandfulOfRoundTrips() {
        CoreHarness h = new CoreHarness(3, 109);
        for (long id : h.ids()) {
            MemoryStorage s = h.member(id).storage;
            s.append(CoreHarness.entries(1, 5, 1));
            if (id == 3) {
                s.append(CoreHarness.entries(6, 1005, 2));
                s.setHardState(new HardState(2, 3, 5));
            } else {
                s.append(CoreHarness.entries(6, 505, 3));
                s.setHardState(new HardState(3, 1, 5));
            }
            h.restart(id);
        }

        h.elect(1);

        long appsTo3 = h.countDelivered(m -> m.type() == MessageType.APP && m.to() == 3);
        long rejectsFrom3 = h.countDelivered(m -> m.type() == MessageType.APP_RESP && m.from() == 3 && m.reject());
        System.out.println("appends to the divergent follower: " + appsTo3 + ", rejections: " + rejectsFrom3);
        assertThat(appsTo3).isLessThanOrEqualTo(4);
        assertThat(rejectsFrom3).isLessThanOrEqualTo(2);
        MemoryStorage follower = h.member(3).storage;
        assertThat(follower.lastIndex()).isEqualTo(506);
        assertThat(termsOf(follower)).isEqualTo(termsOf(h.member(1).storage));
        assertThat(follower.term(1005 - 500)).isEqualTo(3);
        assertThat(h.member(3).applied).isEqualTo(h.member(1).applied).hasSize(505)
            .doesNotContain("t2i6", "t2i1005");
        assertThat(h.status(3).commit()).isEqualTo(506);
    }

    @Test
    void leaderKeepsAtMostMaxInflightAppendsOutstandingToASilentFollower() {
        int maxInflight = 4;
        CoreHarness h = new CoreHarness(3, 113, CoreHarness.limits(maxInflight, 1024 * 1024));
        h.elect(1);
        h.propose(1, "warm-up"); // member 3 is now replicating (pipelined), not probing
        h.drop(m -> m.from() == 3 && m.to() == 1);
        int sentBefore = h.sent.size();

        List<String> proposed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            proposed.add("p" + i);
            h.propose(1, "p" + i);
        }

        long appsWithEntries = h.sent.subList(sentBefore, h.sent.size()).stream()
            .filter(m -> m.type() == MessageType.APP && m.to() == 3 && !m.entries().isEmpty()).count();
        assertThat(appsWithEntries).isEqualTo(maxInflight);
        assertThat(h.member(1).applied).endsWith(proposed.toArray(String[]::new)); // member 2 is a majority with 1
        assertThat(h.status(3).lastIndex()).isEqualTo(2 + maxInflight);

        h.healAll();
        h.tick(1, HEARTBEAT); // a heartbeat response frees the window
        assertThat(h.member(3).applied).isEqualTo(h.member(1).applied);
        assertThat(h.status(1).matchIndex()).containsEntry(3L, h.status(1).lastIndex());
    }

    private static List<Long> termsOf(MemoryStorage s) {
        List<Long> terms = new ArrayList<>();
        for (long i = s.firstIndex(); i <= s.lastIndex(); i++) {
            terms.add(s.term(i));
        }
        return terms;
    }
}
