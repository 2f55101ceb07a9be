package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Seeded random runs: five members under message loss, delay and duplication, partitions,
 * crashes, compactions, proposals, reads, leadership transfers and membership changes.
 * Throughout: one leader per term and every leader a voter of its own configuration, no two
 * members apply different entries at one index (checked by the harness), and every read is
 * answered with an index at least the commit index any member knew when it was issued. After
 * healing (members removed meanwhile shut down): one leader, identical state machines. A failure
 * names its seed; rerun that seed alone with {@link #run}.
 *
 * <p>For a soak, {@code -Dconcordkv.raft.seeds=N} runs N seeds per test instead of CI's 15-25, and
 * {@code -Dconcordkv.raft.base=B} moves every test's seeds up by B (to cover new ones).
 */
class RandomizedClusterTest {
    private static final int ELECTION = RaftConfig.defaults(1, new Random(0)).electionTicks();
    private static final int STEPS = 1500;

    @Test
    void randomFaultsNeverBreakSafetyAndTheClusterConvergesAfterHealing() {
        for (long seed : seeds(1, 25)) {
            run(seed, false, true);
        }
    }

    @Test
    void leaseReadsStayLinearizableUnderRandomFaultsAndCrashes() {
        for (long seed : seeds(101, 25)) {
            run(seed, true, true);
        }
    }

    @Test
    void oneEntryPerAppendAndOneInFlightUnderHeavyLossAndReordering() {
        for (long seed : seeds(201, 15)) {
            run(seed, c -> new RaftConfig(c.id(), 6, 1, true, true, 1, 1, true, 1, c.random()), true,
                new double[] {0.2, 0.4, 0.1});
        }
    }

    /** {@code count} seeds from {@code first}, or as many and from where the soak properties say. */
    private static long[] seeds(long first, int count) {
        long from = first + Long.getLong("concordkv.raft.base", 0L);
        return java.util.stream.LongStream.range(from, from + Integer.getInteger("concordkv.raft.seeds", count))
            .toArray();
    }

    static void run(long seed, boolean leaseReads, boolean crashes) {
        run(seed, c -> c.withLeaseReads(leaseReads), crashes, new double[] {0.05, 0.2, 0.02});
    }

    /** One run; {@code odds} of losing, delaying and duplicating each message. */
    static void run(long seed, UnaryOperator<RaftConfig> tune, boolean crashes, double[] odds) {
        Random rnd = new Random(seed);
        CoreHarness h = new CoreHarness(5, seed, tune);
        h.network.chaos(new Random(~seed), odds[0], odds[1], odds[2]);
        Run run = new Run(h, seed);
        for (int step = 0; step < STEPS; step++) {
            int action = rnd.nextInt(100);
            List<Long> ids = List.copyOf(h.ids());
            long member = ids.get(rnd.nextInt(ids.size()));
            if (action < 58) {
                h.tickAll(1);
            } else if (action < 76) {
                run.propose(member, "s" + step);
            } else if (action < 84) {
                run.read(member, "r" + step);
            } else if (action < 88) {
                h.isolate(member);
            } else if (action < 91) {
                h.heal(member);
            } else if (action < 92 && crashes) {
                h.restart(member);
            } else if (action < 94) {
                CoreMember m = h.member(member);
                m.storage.compact(m.snapshotAtApplied());
            } else if (action < 96 && h.leader() != 0) {
                h.node(h.leader()).transferLeadership(member);
            } else if (action >= 96) {
                run.changeMembership(rnd);
            }
            h.stabilize();
            run.check();
        }
        run.healAndConverge();
    }

    /** The checks of one run. */
    private static final class Run {
        private final CoreHarness h;
        private final long seed;
        private final Map<Long, Long> leaderOfTerm = new HashMap<>();
        /** Per read context: the highest commit index any member knew when the read was issued. */
        private final Map<String, Long> readFloor = new HashMap<>();
        private int answeredReads;
        private int changes;

        Run(CoreHarness h, long seed) {
            this.h = h;
            this.seed = seed;
        }

        void propose(long member, String payload) {
            try {
                h.node(member).propose(List.of(payload.getBytes(StandardCharsets.UTF_8)));
            } catch (ProposalDroppedException e) {
                // no leader known, or a transfer under way: a client would retry
            }
        }

        /** Adds a learner (a new member), promotes a learner, or removes a voter (keeping three). */
        void changeMembership(Random rnd) {
            long leader = h.leader();
            if (leader == 0) {
                return;
            }
            ConfState conf = h.status(leader).conf();
            List<Long> voters = List.copyOf(conf.voters());
            ConfChange cc;
            if (!conf.learners().isEmpty() && rnd.nextBoolean()) {
                cc = new ConfChange(ConfChange.Type.ADD_VOTER, conf.learners().iterator().next(), new byte[0]);
            } else if (voters.size() > 3 && rnd.nextBoolean()) {
                cc = new ConfChange(ConfChange.Type.REMOVE, voters.get(rnd.nextInt(voters.size())), new byte[0]);
            } else if (conf.members().size() < 7) {
                long id = h.ids().stream().mapToLong(Long::longValue).max().orElseThrow() + 1;
                h.addMember(id);
                cc = new ConfChange(ConfChange.Type.ADD_LEARNER, id, new byte[0]);
            } else {
                return;
            }
            try {
                h.node(leader).proposeConfChange(cc);
                changes++;
            } catch (ProposalDroppedException e) {
                // one change at a time
            }
        }

        void read(long member, String context) {
            long floor = 0;
            for (long id : h.ids()) {
                floor = Math.max(floor, h.status(id).commit());
            }
            readFloor.put(context, floor);
            h.readIndex(member, context);
        }

        void check() {
            for (long id : h.ids()) {
                Status s = h.status(id);
                if (s.role() == Role.LEADER) {
                    assertThat(s.conf().voters()).as("seed %d: leader %d is a voter of its configuration", seed, id)
                        .contains(id);
                    Long other = leaderOfTerm.putIfAbsent(s.term(), id);
                    assertThat(other).as("seed %d: two leaders in term %d", seed, s.term()).isIn(null, id);
                }
                for (ReadState rs : h.member(id).reads) {
                    String ctx = new String(rs.context(), StandardCharsets.UTF_8);
                    Long floor = readFloor.remove(ctx);
                    if (floor != null && !rs.dropped()) {
                        answeredReads++;
                        assertThat(rs.index()).as("seed %d: read %s on %d", seed, ctx, id)
                            .isGreaterThanOrEqualTo(floor);
                    }
                }
            }
        }

        /** Proposes {@code payload} on {@code leader} (0 for none) if it takes proposals. */
        private void proposeOnLeader(long leader, String payload) {
            try {
                if (leader != 0) {
                    h.propose(leader, payload);
                }
            } catch (ProposalDroppedException e) {
                // a transfer is still under way
            }
        }

        private void tickChecked(int n) {
            for (int i = 0; i < n; i++) {
                h.tickAll(1);
                check();
            }
        }

        /** The configuration of the member that applied the most: the newest committed one. */
        private ConfState newestConf() {
            long most = h.ids().stream().max(Comparator.comparingLong(id -> h.member(id).appliedIndex)).orElseThrow();
            return h.status(most).conf();
        }

        /** The leader of the highest term among the members of {@code conf}, or 0. */
        private long leaderOf(ConfState conf) {
            return conf.members().stream().filter(id -> h.status(id).role() == Role.LEADER)
                .max(Comparator.comparingLong(id -> h.status(id).term())).orElse(0L);
        }

        /** Members outside the newest configuration are shut down (they may not know they were removed). */
        private ConfState shutDownRemoved() {
            ConfState conf = newestConf();
            for (long id : h.ids()) {
                if (conf.isMember(id)) {
                    h.heal(id);
                } else {
                    h.isolate(id);
                }
            }
            return conf;
        }

        void healAndConverge() {
            h.healAll();
            shutDownRemoved();
            tickChecked(4 * ELECTION);
            String last = null;
            for (int attempt = 0; last == null; attempt++) {
                assertThat(attempt).as("seed %d: attempts to commit after healing", seed).isLessThan(10);
                String payload = "final-" + attempt;
                long leader = leaderOf(shutDownRemoved());
                proposeOnLeader(leader, payload); // a proposal may be lost to a leader change: then try again
                tickChecked(2 * ELECTION);
                leader = leaderOf(shutDownRemoved());
                if (leader != 0 && h.member(leader).applied.contains(payload)) {
                    last = payload;
                }
            }
            tickChecked(10 * ELECTION);
            ConfState conf = shutDownRemoved();
            long leader = leaderOf(conf);
            List<String> expected = new ArrayList<>(h.member(leader).applied);
            assertThat(expected).as("seed %d", seed).contains(last);
            for (long id : conf.members()) {
                assertThat(h.member(id).applied).as("seed %d: state machine of %d", seed, id).isEqualTo(expected);
                assertThat(h.status(id).role() == Role.LEADER).as("seed %d: %d leads", seed, id)
                    .isEqualTo(id == leader);
            }
            System.out.println("seed " + seed + ": " + expected.size() + " entries applied, " + answeredReads
                + " reads answered, " + leaderOfTerm.size() + " terms with a leader, " + changes
                + " conf changes proposed, " + conf);
        }
    }
}
