package io.concordkv.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.check.CheckResult;
import io.concordkv.check.LinearizabilityChecker;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Runs whole clusters through the seeded simulator: message loss, duplication, reordering,
 * partitions, crashes (including a leader crashing between sending and persisting) and restarts,
 * with snapshots and clients; Raft's safety properties are checked after every step, the clients'
 * history for linearizability at the end, and every member must converge to the same state.
 * {@code -Dsim.seeds=N} runs N seeds (CI: 200); {@code -Dsim.seed=S} replays one seed.
 */
class RaftSimulationTest {
    private static final long RUN_MS = 8_000;
    private static final long SETTLE_MS = 4_000;

    @Test
    void manySeedsStaySafeAndLinearizable() {
        String one = System.getProperty("sim.seed");
        int seeds = Integer.getInteger("sim.seeds", 200);
        long base = Long.getLong("sim.base", 1L);
        if (one != null) {
            runSeed(Long.parseLong(one));
            return;
        }
        for (long s = base; s < base + seeds; s++) {
            runSeed(s);
        }
    }

    @Test
    void threeMembersWithoutFaultsCommitEverything() {
        SimOptions o = SimOptions.defaults(7);
        SimCluster c = new SimCluster(new SimOptions(7, 3, 4, 3, 0, 0, 1, 3, 0, 0, 300, 1000));
        for (int i = 0; i < 4; i++) {
            c.startClient(i, 2_000);
        }
        c.runUntil(3_000);
        System.out.println("fault-free: " + c.summary());
        assertThat(c.history.history()).isNotEmpty();
        assertThat(c.history.history().stream().filter(op -> op.outcome().name().equals("OK")).count())
            .as("completed operations").isGreaterThan(100);
        assertThat(o.nodes()).isEqualTo(5);
        assertConverged(c, 7);
    }

    static void runSeed(long seed) {
        SimCluster c = new SimCluster(SimOptions.defaults(seed));
        Nemesis nemesis = new Nemesis(c);
        try {
            for (int i = 0; i < c.options.clients(); i++) {
                c.startClient(i, RUN_MS);
            }
            nemesis.start(400, RUN_MS);
            c.faultsUntil = RUN_MS;
            c.runUntil(RUN_MS + SETTLE_MS);
            assertConverged(c, seed);
            CheckResult result = new LinearizabilityChecker(Duration.ofSeconds(20)).check(c.history.history());
            if (seed % 50 == 1) {
                System.out.println("seed " + seed + ": " + c.summary() + " faults " + nemesis.log().size());
            }
            if (!result.isOk()) {
                throw new AssertionError("seed " + seed + ": history " + result);
            }
        } catch (AssertionError | RuntimeException e) {
            System.err.println("simulation seed " + seed + " failed; replay with -Dsim.seed=" + seed
                + "\nfaults: " + nemesis.log() + "\nmembers:\n" + c.describe());
            throw e;
        }
    }

    private static void assertConverged(SimCluster c, long seed) {
        Set<Integer> digests = new HashSet<>();
        long applied = -1;
        for (SimNode n : c.nodes.values()) {
            assertThat(n.up).as("seed %d: member %d up at the end", seed, n.id).isTrue();
            digests.add(n.machine.digest());
            long a = n.raft.status().applied();
            assertThat(applied == -1 || a == applied).as("seed %d: all applied the same (%d vs %d)", seed, a, applied)
                .isTrue();
            applied = a;
        }
        assertThat(c.leader()).as("seed %d: a leader at the end", seed).isPresent();
        assertThat(digests).as("seed %d: every member holds the same data", seed).hasSize(1);
    }
}
