package io.concordkv.raft.sim;

import io.concordkv.check.HistoryRecorder;
import io.concordkv.check.KvOp;
import io.concordkv.check.Output;
import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.RaftConfig;
import io.concordkv.raft.core.Ready;
import io.concordkv.raft.core.Role;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A whole cluster in one thread: members, a seeded network that delays, drops, duplicates and
 * reorders messages and cuts links, crashes and restarts, clients whose history is recorded, and
 * a simulated clock in milliseconds. Everything random comes from one seed, so a run replays
 * exactly. {@link SafetyChecks} runs after every event.
 */
final class SimCluster {
    static final String ABSENT = "\u0000absent";
    static final int TICK_MS = 10;

    private record Event(long at, long seq, Runnable action) { }

    final SimOptions options;
    final Random random;
    long now;
    private long seq;
    private final PriorityQueue<Event> events = new PriorityQueue<>(
        (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    final Map<Long, SimNode> nodes = new LinkedHashMap<>();
    /** Links cut by a partition, as "from:to". */
    private final Set<String> cut = new HashSet<>();
    final SafetyChecks safety = new SafetyChecks();
    final HistoryRecorder history;
    private long tieBreak;
    long delivered;
    /** Crashes between send and persist happen only before this time (then the cluster settles). */
    long faultsUntil = Long.MAX_VALUE;
    long crashes;
    private final SimNode.Sink sink = new SimNode.Sink() {
        @Override
        public void send(Message m) {
            transmit(m);
        }

        @Override
        public void persisted(SimNode node, Ready rd) {
            safety.onPersisted(node, rd);
        }

        @Override
        public void applied(SimNode node, Entry e) {
            safety.onApplied(node, e);
        }

        @Override
        public boolean crashBeforePersist(SimNode node) {
            if (now < faultsUntil && random.nextDouble() < options.crashBeforePersistRate()) {
                crashes++;
                schedule(options.restartDelayMs(), () -> restart(node));
                return true;
            }
            return false;
        }
    };

    SimCluster(SimOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
        // strictly increasing: events at the same simulated millisecond still happen one after another
        this.history = new HistoryRecorder(() -> now * 1_000_000 + tieBreak++);
        Set<Long> voters = new TreeSet<>();
        for (long i = 1; i <= options.nodes(); i++) {
            voters.add(i);
        }
        for (long i = 1; i <= options.nodes(); i++) {
            RaftConfig cfg = RaftConfig.defaults(i, new Random(random.nextLong()));
            SimNode node = new SimNode(i, ConfState.ofVoters(voters), cfg, options.snapshotEvery());
            nodes.put(i, node);
            long phase = random.nextInt(TICK_MS);
            schedule(phase, () -> tickLoop(node));
        }
    }

    void schedule(long delay, Runnable action) {
        events.add(new Event(now + delay, seq++, action));
    }

    private void tickLoop(SimNode node) {
        if (node.up) {
            node.raft.tick();
        }
        schedule(TICK_MS, () -> tickLoop(node));
    }

    /** Runs events until {@code until} (simulated ms), draining members and checking safety after each. */
    void runUntil(long until) {
        while (!events.isEmpty() && events.peek().at <= until) {
            Event e = events.poll();
            now = e.at;
            e.action.run();
            for (SimNode n : nodes.values()) {
                n.drain(sink);
            }
            safety.afterStep(this);
        }
        now = until;
    }

    private void transmit(Message m) {
        if (random.nextDouble() < options.dropRate()) {
            reportSnapshot(m, false);
            return;
        }
        int copies = random.nextDouble() < options.duplicateRate() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long delay = options.minDelayMs() + random.nextInt(options.maxDelayMs() - options.minDelayMs() + 1);
            schedule(delay, () -> deliver(m));
        }
    }

    private void deliver(Message m) {
        SimNode to = nodes.get(m.to());
        if (to == null || !to.up || cut.contains(m.from() + ":" + m.to())) {
            reportSnapshot(m, false);
            return;
        }
        delivered++;
        to.raft.step(m);
        reportSnapshot(m, true);
    }

    /** As the transport does: the sender of a snapshot learns whether it arrived. */
    private void reportSnapshot(Message m, boolean ok) {
        SimNode from = nodes.get(m.from());
        if (m.type() == io.concordkv.raft.core.MessageType.SNAP && from != null && from.up) {
            schedule(1, () -> {
                if (from.up) {
                    from.raft.reportSnapshot(m.to(), ok);
                }
            });
        }
    }

    // ---- faults ----

    void partition(Set<Long> side) {
        cut.clear();
        for (long a : nodes.keySet()) {
            for (long b : nodes.keySet()) {
                if (side.contains(a) != side.contains(b)) {
                    cut.add(a + ":" + b);
                }
            }
        }
    }

    void heal() {
        cut.clear();
    }

    void crash(SimNode node) {
        if (node.up) {
            crashes++;
            node.crash();
        }
    }

    void restart(SimNode node) {
        if (!node.up) {
            node.restart(new Random(random.nextLong()));
        }
    }

    Optional<SimNode> leader() {
        SimNode best = null;
        for (SimNode n : nodes.values()) {
            if (n.up && n.raft.status().role() == Role.LEADER
                && (best == null || n.raft.status().term() > best.raft.status().term())) {
                best = n;
            }
        }
        return Optional.ofNullable(best);
    }

    List<SimNode> upNodes() {
        List<SimNode> up = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.up) {
                up.add(n);
            }
        }
        return up;
    }

    /** Counts for a run: operations by outcome, messages delivered, crashes, leaders elected. */
    String summary() {
        Map<String, Long> outcomes = new java.util.TreeMap<>();
        history.history().forEach(op -> outcomes.merge(op.outcome().name(), 1L, Long::sum));
        return "ops " + outcomes + ", delivered " + delivered + ", crashes " + crashes + ", terms with a leader "
            + safety.leaders();
    }

    /** One line per member: up or down, and its consensus status. */
    String describe() {
        StringBuilder b = new StringBuilder();
        for (SimNode n : nodes.values()) {
            b.append("  ").append(n.id).append(n.up ? " " + n.raft.status() : " down").append('\n');
        }
        return b.toString();
    }

    // ---- clients ----

    /** Starts a client that issues one operation at a time until {@code stopAt}. */
    void startClient(int client, long stopAt) {
        schedule(random.nextInt(20), () -> clientStep(client, new long[] {0}, stopAt));
    }

    private void clientStep(int client, long[] seqHolder, long stopAt) {
        if (now >= stopAt) {
            return;
        }
        List<SimNode> up = upNodes();
        if (up.isEmpty()) {
            schedule(50, () -> clientStep(client, seqHolder, stopAt));
            return;
        }
        SimNode target = up.get(random.nextInt(up.size()));
        String key = "k" + random.nextInt(options.keys());
        long opSeq = ++seqHolder[0];
        boolean[] finished = {false};
        Runnable next = () -> schedule(1 + random.nextInt(10), () -> clientStep(client, seqHolder, stopAt));
        int kind = random.nextInt(10);
        if (kind < 4) {
            long h = history.invoke(client, KvOp.get(key));
            schedule(1, () -> target.readIfUp(key, v -> {
                if (!finished[0]) {
                    finished[0] = true;
                    if (v == null) {
                        history.fail(h);
                    } else {
                        history.ok(h, new Output.Read(ABSENT.equals(v) ? Optional.empty() : Optional.of(v)));
                    }
                    next.run();
                }
            }));
            timeout(h, finished, next, true);
            return;
        }
        SimStateMachine.Command c;
        KvOp op;
        String value = client + "-" + opSeq;
        if (kind < 8) {
            c = new SimStateMachine.Command(client, opSeq, 0, key, null, value);
            op = KvOp.put(key, value);
        } else {
            String expected = "" + random.nextInt(3);
            c = new SimStateMachine.Command(client, opSeq, 2, key, expected, value);
            op = KvOp.cas(key, expected, value);
        }
        long h = history.invoke(client, op);
        schedule(1, () -> {
            if (!target.up) {
                return; // the timeout records it as unknown
            }
            target.proposeWrite(c, effect -> {
                if (!finished[0]) {
                    finished[0] = true;
                    if (effect == null) {
                        history.fail(h);
                    } else {
                        history.ok(h, c.kind() == 2 ? new Output.Swap(effect) : new Output.Ack());
                    }
                    next.run();
                }
            });
        });
        timeout(h, finished, next, false);
    }

    private void timeout(long handle, boolean[] finished, Runnable next, boolean read) {
        schedule(options.clientTimeoutMs(), () -> {
            if (!finished[0]) {
                finished[0] = true;
                if (read) {
                    history.fail(handle); // a read that did not answer had no effect
                } else {
                    history.unknown(handle);
                }
                next.run();
            }
        });
    }
}
