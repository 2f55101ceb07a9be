package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Leadership transfer: TIMEOUT_NOW to a caught-up transferee, catching it up first, proposals refused meanwhile. */
class LeadershipTransferTest {
    private static final int ELECTION = RaftConfig.defaults(1, new Random(0)).electionTicks();
    private static final List<byte[]> PAYLOAD = List.of("during".getBytes(StandardCharsets.UTF_8));

    private static boolean timeoutNow(Message m) {
        return m.type() == MessageType.TIMEOUT_NOW;
    }

    @Test
    void transferToAnUpToDateFollowerMakesItLeaderAtOnce() {
        CoreHarness h = new CoreHarness(3, 401);
        h.elect(1);
        h.propose(1, "a");
        long term = h.status(1).term();

        h.node(1).transferLeadership(2);
        h.stabilize();

        assertThat(h.countSent(m -> timeoutNow(m) && m.from() == 1 && m.to() == 2)).isEqualTo(1);
        assertThat(h.leaders()).containsExactly(2L);
        for (long id : h.ids()) {
            assertThat(h.status(id).term()).isEqualTo(term + 1);
            assertThat(h.status(id).leader()).isEqualTo(2);
        }
        h.propose(2, "b");
        for (long id : h.ids()) {
            assertThat(h.member(id).applied).containsExactly("a", "b");
        }
    }

    @Test
    void transferRequestedOnAFollowerIsForwardedToTheLeader() {
        CoreHarness h = new CoreHarness(3, 403);
        h.elect(1);
        h.node(3).transferLeadership(3);
        h.stabilize();
        assertThat(h.leaders()).containsExactly(3L);
        assertThat(h.status(1).leader()).isEqualTo(3);
    }

    @Test
    void laggingTransfereeIsCaughtUpFirstAndProposalsAreDroppedMeanwhile() {
        CoreHarness h = new CoreHarness(3, 405);
        h.elect(1);
        h.cut(1, 3);
        h.propose(1, "a", "b");
        h.propose(1, "c");
        assertThat(h.member(3).applied).isEmpty();
        h.reconnect(1, 3);

        h.node(1).transferLeadership(3);
        assertThat(h.status(1).leadTransferee()).isEqualTo(3);
        assertThatThrownBy(() -> h.node(1).propose(PAYLOAD)).isInstanceOf(ProposalDroppedException.class)
            .satisfies(e -> assertThat(((ProposalDroppedException) e).leaderHint()).isEqualTo(3));
        h.node(2).propose(PAYLOAD); // forwarded to member 1, which drops it: the proposer times out
        h.stabilize();

        assertThat(h.leaders()).containsExactly(3L);
        Message timeoutNow = h.sent.stream().filter(LeadershipTransferTest::timeoutNow).findFirst().orElseThrow();
        int at = h.sent.indexOf(timeoutNow);
        assertThat(h.sent.subList(0, at)).anySatisfy(m -> {
            assertThat(m.type()).isEqualTo(MessageType.APP_RESP);
            assertThat(m.from()).isEqualTo(3);
            assertThat(m.index()).isEqualTo(4); // caught up with everything (no-op, a, b, c) before TIMEOUT_NOW
        });
        h.propose(3, "d");
        for (long id : h.ids()) {
            assertThat(h.member(id).applied).as("applied on %d", id).containsExactly("a", "b", "c", "d");
        }
    }

    @Test
    void transferThatCannotFinishIsAbandonedAfterAnElectionTimeout() {
        CoreHarness h = new CoreHarness(3, 407);
        h.elect(1);
        h.isolate(3);
        h.node(1).transferLeadership(3);
        h.stabilize();
        assertThatThrownBy(() -> h.node(1).propose(PAYLOAD)).isInstanceOf(ProposalDroppedException.class);

        h.tick(1, ELECTION);
        assertThat(h.status(1).role()).isEqualTo(Role.LEADER);
        assertThat(h.status(1).leadTransferee()).isZero();
        h.propose(1, "after");
        assertThat(h.member(2).applied).containsExactly("after");
    }
}
