package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a leader may commit: only once a majority of voters, its own persisted copy included,
 * holds an entry, and only entries of its own term by counting (Raft paper, figure 8).
 */
class CommitRuleTest {
    private static final int HEARTBEAT = 5;

    @Test
    void nothingCommitsWhileBothFollowersAreCutOff() {
        CoreHarness h = new CoreHarness(3, 201);
        h.elect(1);
        long commit = h.status(1).commit();
        h.cut(1, 2);
        h.cut(1, 3);

        h.propose(1, "lonely");
        h.tick(1, 2 * HEARTBEAT); // heartbeats and retries go nowhere either
        assertThat(h.status(1).lastIndex()).isEqualTo(commit + 1);
        for (long id : h.ids()) {
            assertThat(h.status(id).commit()).as("commit on %d", id).isEqualTo(commit);
            assertThat(h.member(id).applied).isEmpty();
        }

        h.healAll();
        h.tick(1, HEARTBEAT);
        for (long id : h.ids()) {
            assertThat(h.member(id).applied).as("applied on %d", id).containsExactly("lonely");
        }
    }

    @Test
    void leaderCountsItsOwnEntryOnlyOncePersisted() {
        CoreHarness h = new CoreHarness(3, 203);
        h.elect(1);
        long commit = h.status(1).commit();
        h.cut(1, 3);
        h.hold(1);

        CoreMember leader = h.member(1);
        leader.node.propose(List.of("slow-disk".getBytes(StandardCharsets.UTF_8)));
        Ready rd = leader.node.ready();
        assertThat(rd.sendBeforePersist()).isTrue();
        List<Message> out = new ArrayList<>();
        leader.carryOut(rd, out, false); // sent, but the entry is not on the leader's disk yet
        h.send(out);
        leader.node.advance(CoreMember.withoutEntries(rd));
        h.stabilize(); // member 2 persists the entry and acknowledges it

        assertThat(h.status(1).matchIndex()).containsEntry(2L, commit + 1).containsEntry(1L, commit);
        assertThat(h.status(1).commit()).as("one durable copy of three").isEqualTo(commit);

        h.release(1);
        h.stabilize(); // now the leader persists its own copy: two of three
        assertThat(h.status(1).commit()).isEqualTo(commit + 1);
        assertThat(h.member(1).applied).containsExactly("slow-disk");
        assertThat(h.member(2).applied).containsExactly("slow-disk");
    }

    /**
     * Figure 8: member 1 led term 2 and placed (2, t2) on members 1 and 2; member 5 led term 3 and
     * placed (2, t3) on itself only. Member 1, now leader of term 4, copies (2, t2) to members 3 and 4
     * but their copy of its term-4 no-op is lost. Four of five hold (2, t2), yet it must not commit:
     * member 5 can still win with the votes of 3 and 4 and overwrite index 2. (The harness fails the
     * test if two members ever apply different entries at one index.)
     */
    @Test
    void leaderNeverCommitsAnEntryOfAnEarlierTermByCountingReplicas() {
        CoreHarness h = new CoreHarness(5, 207, CoreHarness.limits(256, 1)); // one entry per append
        for (long id : h.ids()) {
            MemoryStorage s = h.member(id).storage;
            s.append(CoreHarness.entries(1, 1, 1));
            if (id <= 2) {
                s.append(CoreHarness.entries(2, 2, 2));
                s.setHardState(new HardState(3, 0, 1));
            } else {
                s.append(id == 5 ? CoreHarness.entries(2, 2, 3) : List.of());
                s.setHardState(new HardState(3, 5, 1));
            }
            h.restart(id);
        }
        h.isolate(5);
        // lose every append that would give member 3 or 4 an entry of term 4 (rejected probes get through)
        h.drop(m -> m.type() == MessageType.APP && (m.to() == 3 || m.to() == 4)
            && m.entries().stream().anyMatch(e -> e.term() == 4) && h.node(m.to()).termAt(m.index()) == m.logTerm());

        h.elect(1);
        Status leader = h.status(1);
        assertThat(leader.term()).isEqualTo(4);
        assertThat(leader.matchIndex()).containsEntry(2L, 3L).containsEntry(3L, 2L).containsEntry(4L, 2L);
        for (long id : h.ids()) {
            assertThat(h.status(id).commit()).as("commit on %d", id).isEqualTo(1);
        }

        // member 1 and 2 crash; member 5 comes back and wins with 3 and 4, whose logs are older than its own
        h.healAll();
        h.isolate(1);
        h.isolate(2);
        for (int ticks = 0; h.leader() != 5; ticks++) {
            assertThat(ticks).as("ticks for member 5 to win").isLessThan(200);
            h.tickAll(1);
        }
        assertThat(h.node(3).termAt(2)).isEqualTo(3);
        assertThat(h.status(3).commit()).isGreaterThanOrEqualTo(2);

        h.healAll();
        h.tickAll(HEARTBEAT * 2);
        for (long id : h.ids()) {
            assertThat(h.node(id).termAt(2)).as("term of entry 2 on %d", id).isEqualTo(3);
            assertThat(h.member(id).applied).as("applied on %d", id).startsWith("t1i1", "t3i2");
        }
    }
}
