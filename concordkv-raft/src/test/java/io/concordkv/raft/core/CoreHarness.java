package io.concordkv.raft.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A deterministic in-memory cluster of {@link RaftNode}s for unit tests of the core. Members
 * 1..n start as voters of one configuration with empty logs. {@link #stabilize} carries out every
 * member's Ready and delivers the messages they produce, round by round in a fixed order, until
 * nothing is left to do; the {@link CoreNetwork} loses, and with chaos on reorders and duplicates,
 * messages. Time passes only through {@link #tick}/{@link #tickAll}. Election timeouts come
 * from per-member Randoms derived from one seed, printed so a failure can be replayed.
 * Test code; one thread.
 */
final class CoreHarness {
    private static final int MAX_ROUNDS = 10_000;

    final long seed;
    private final UnaryOperator<RaftConfig> tune;
    private final TreeMap<Long, CoreMember> members = new TreeMap<>();
    private final Map<Long, Long> committedTerms = new HashMap<>();
    final CoreNetwork network = new CoreNetwork();
    /** Members whose Readies {@link #stabilize} leaves alone (the test carries them out by hand). */
    private final Set<Long> held = new HashSet<>();
    /** Every message a member sent, and every message that reached its destination, in order. */
    final List<Message> sent = network.sent;
    final List<Message> delivered = network.delivered;
    private int restarts;
    /** Whether the harness tells a leader how each snapshot it sent went, as a transport does. */
    boolean reportSnapshots = true;
    private final ConfState bootstrap;

    CoreHarness(int n, long seed) {
        this(n, seed, UnaryOperator.identity());
    }

    /** {@code tune} adjusts each member's {@link RaftConfig#defaults} (ticks, lease reads, limits). */
    CoreHarness(int n, long seed, UnaryOperator<RaftConfig> tune) {
        this.seed = seed;
        this.tune = tune;
        System.out.println("CoreHarness seed " + seed);
        Set<Long> voters = new TreeSet<>();
        for (long id = 1; id <= n; id++) {
            voters.add(id);
        }
        bootstrap = ConfState.ofVoters(voters);
        for (long id : voters) {
            MemoryStorage storage = new MemoryStorage();
            storage.setConfState(bootstrap);
            members.put(id, new CoreMember(id, storage, config(id), committedTerms));
        }
    }

    /** {@code tune} for a different message limit or in-flight bound (RaftConfig has no wither for them). */
    static UnaryOperator<RaftConfig> limits(int maxInflight, long maxMessageBytes) {
        return c -> new RaftConfig(c.id(), c.electionTicks(), c.heartbeatTicks(), c.preVote(), c.checkQuorum(),
            maxInflight, maxMessageBytes, c.leaseReads(), c.leaseDriftTicks(), c.random());
    }

    RaftConfig config(long id) {
        return tune.apply(RaftConfig.defaults(id, new Random(seed * 1_000_003L + id * 7919L + restarts)));
    }

    CoreMember member(long id) {
        CoreMember m = members.get(id);
        if (m == null) {
            throw new IllegalArgumentException("no member " + id);
        }
        return m;
    }

    RaftNode node(long id) {
        return member(id).node;
    }

    Status status(long id) {
        return member(id).status();
    }

    Set<Long> ids() {
        return members.keySet();
    }

    /**
     * Starts a new member with an empty log, to join by a conf change. Its storage reports the
     * configuration the log starts from (the bootstrap one): the core replays the log's conf changes
     * on top of it, and a member started with an empty configuration would end up believing it is
     * the only voter once promoted.
     */
    CoreMember addMember(long id) {
        return addMember(id, bootstrap);
    }

    /** Starts a new member with an empty log whose storage reports configuration {@code conf}. */
    CoreMember addMember(long id, ConfState conf) {
        MemoryStorage storage = new MemoryStorage();
        storage.setConfState(conf);
        CoreMember m = new CoreMember(id, storage, config(id), committedTerms);
        members.put(id, m);
        return m;
    }

    /** Rebuilds member {@code id}'s core from its storage (a crash and restart). */
    void restart(long id) {
        restarts++;
        member(id).restart(config(id));
    }

    // ---- the network ----

    void isolate(long id) {
        network.isolate(id);
    }

    void heal(long id) {
        network.heal(id);
    }

    /** Cuts the link between {@code a} and {@code b} both ways. */
    void cut(long a, long b) {
        network.cut(a, b);
    }

    /** Restores the link between {@code a} and {@code b} both ways. */
    void reconnect(long a, long b) {
        network.reconnect(a, b);
    }

    void drop(Predicate<Message> rule) {
        network.drop(rule);
    }

    /** Restores every link and removes every drop rule (and the chaos, if any). */
    void healAll() {
        network.healAll();
    }

    /** Puts messages on the network, as if a member had sent them. */
    void send(List<Message> messages) {
        network.send(messages);
    }

    long countSent(Predicate<Message> p) {
        return network.countSent(p);
    }

    long countDelivered(Predicate<Message> p) {
        return network.countDelivered(p);
    }

    // ---- driving ----

    /** From now on {@link #stabilize} does not carry out {@code id}'s Readies (messages still reach it). */
    void hold(long id) {
        held.add(id);
    }

    void release(long id) {
        held.remove(id);
    }

    /** Carries out Readies and delivers messages until no member has anything to do. */
    void stabilize() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean busy = false;
            List<Message> out = new ArrayList<>();
            for (CoreMember m : members.values()) {
                busy |= !held.contains(m.id) && m.handleReadies(out);
            }
            send(out);
            if (!busy && network.idle()) {
                return;
            }
            network.nextRound().forEach(this::deliver);
        }
        throw new AssertionError("no quiescence after " + MAX_ROUNDS + " rounds (seed " + seed + ")");
    }

    private void deliver(Message m) {
        boolean arrived = members.containsKey(m.to()) && network.arrives(m);
        if (arrived) {
            member(m.to()).node.step(m);
        }
        if (m.type() == MessageType.SNAP && reportSnapshots && members.containsKey(m.from())) {
            node(m.from()).reportSnapshot(m.to(), arrived); // as the transport would
        }
    }

    /** Ticks member {@code id} {@code n} times, stabilizing after each tick. */
    void tick(long id, int n) {
        for (int i = 0; i < n; i++) {
            node(id).tick();
            stabilize();
        }
    }

    /** Ticks every member {@code n} times, stabilizing after each round of ticks. */
    void tickAll(int n) {
        for (int i = 0; i < n; i++) {
            members.values().forEach(m -> m.node.tick());
            stabilize();
        }
    }

    /** Makes {@code id} campaign and settles the election. */
    void elect(long id) {
        node(id).campaign();
        stabilize();
        if (status(id).role() != Role.LEADER) {
            throw new AssertionError("member " + id + " did not win: " + status(id));
        }
    }

    /** The leader of the highest term any member knows, or 0. */
    long leader() {
        long leader = 0;
        long term = -1;
        for (CoreMember m : members.values()) {
            Status s = m.status();
            if (s.role() == Role.LEADER && s.term() > term) {
                leader = s.id();
                term = s.term();
            }
        }
        return leader;
    }

    /** Members that believe they lead, whatever their term. */
    List<Long> leaders() {
        return members.values().stream().filter(m -> m.status().role() == Role.LEADER).map(m -> m.id).toList();
    }

    /** Proposes the payloads on member {@code id} (one batch) and stabilizes. */
    void propose(long id, String... payloads) {
        List<byte[]> data = new ArrayList<>();
        for (String p : payloads) {
            data.add(p.getBytes(StandardCharsets.UTF_8));
        }
        node(id).propose(data);
        stabilize();
    }

    /** Issues a read with this context on member {@code id} (not stabilized). */
    void readIndex(long id, String context) {
        node(id).readIndex(context.getBytes(StandardCharsets.UTF_8));
    }

    /** Entries {@code [from, to]} of {@code term} with payloads naming their term and index. */
    static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.normal(term, i, ("t" + term + "i" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
