package io.concordkv.raft.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Injects faults into a simulation on a seeded schedule: partitions (a random minority cut off,
 * or the leader isolated), heals, crashes and restarts of random members (at most a minority down
 * at once).
 */
final class Nemesis {
    private final SimCluster cluster;
    private final List<String> log = new ArrayList<>();

    Nemesis(SimCluster cluster) {
        this.cluster = cluster;
    }

    /** Schedules a fault every {@code everyMs} on average until {@code stopAt}, then heals everything. */
    void start(long everyMs, long stopAt) {
        cluster.schedule(everyMs / 2 + cluster.random.nextInt((int) everyMs), () -> act(everyMs, stopAt));
    }

    private void act(long everyMs, long stopAt) {
        if (cluster.now >= stopAt) {
            cluster.heal();
            cluster.nodes.values().forEach(cluster::restart);
            log.add(cluster.now + " heal all");
            return;
        }
        int choice = cluster.random.nextInt(5);
        List<SimNode> all = new ArrayList<>(cluster.nodes.values());
        int minority = (all.size() - 1) / 2;
        switch (choice) {
            case 0 -> {
                Set<Long> side = new HashSet<>();
                int n = 1 + cluster.random.nextInt(minority);
                while (side.size() < n) {
                    side.add(all.get(cluster.random.nextInt(all.size())).id);
                }
                cluster.partition(side);
                log.add(cluster.now + " partition " + side);
            }
            case 1 -> cluster.leader().ifPresent(l -> {
                cluster.partition(Set.of(l.id));
                log.add(cluster.now + " isolate leader " + l.id);
            });
            case 2 -> {
                cluster.heal();
                log.add(cluster.now + " heal");
            }
            case 3 -> {
                long down = all.stream().filter(n -> !n.up).count();
                if (down < minority) {
                    SimNode victim = cluster.leader().filter(l -> cluster.random.nextBoolean())
                        .orElse(all.get(cluster.random.nextInt(all.size())));
                    cluster.crash(victim);
                    log.add(cluster.now + " crash " + victim.id);
                }
            }
            default -> all.stream().filter(n -> !n.up).findFirst().ifPresent(n -> {
                cluster.restart(n);
                log.add(cluster.now + " restart " + n.id);
            });
        }
        cluster.schedule(everyMs / 2 + cluster.random.nextInt((int) everyMs), () -> act(everyMs, stopAt));
    }

    List<String> log() {
        return log;
    }
}
