package io.concordkv.raft.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The network of a {@link CoreHarness}: messages in flight, delivered in rounds in the order sent.
 * A message is lost when either end is isolated, its link is cut, or a drop rule matches it. With
 * {@link #chaos} on, messages are also lost, held back to a later round (so reordered) or
 * duplicated at random, from a seeded Random. Records every message sent and delivered.
 * Test code; one thread.
 */
final class CoreNetwork {
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    private final Set<Long> isolated = new HashSet<>();
    private final Set<List<Long>> cutLinks = new HashSet<>();
    private final List<Predicate<Message>> dropRules = new ArrayList<>();
    final List<Message> sent = new ArrayList<>();
    final List<Message> delivered = new ArrayList<>();
    private Random chaos;
    private double loss;
    private double delay;
    private double duplicate;

    void isolate(long id) {
        isolated.add(id);
    }

    void heal(long id) {
        isolated.remove(id);
    }

    void cut(long a, long b) {
        cutLinks.add(List.of(a, b));
        cutLinks.add(List.of(b, a));
    }

    void reconnect(long a, long b) {
        cutLinks.remove(List.of(a, b));
        cutLinks.remove(List.of(b, a));
    }

    void drop(Predicate<Message> rule) {
        dropRules.add(rule);
    }

    /** Restores every link, removes every drop rule, and turns chaos off. */
    void healAll() {
        isolated.clear();
        cutLinks.clear();
        dropRules.clear();
        chaos = null;
    }

    /** Loses, delays (by a round or more) and duplicates messages with these odds, drawn from {@code random}. */
    void chaos(Random random, double lossOdds, double delayOdds, double duplicateOdds) {
        this.chaos = random;
        this.loss = lossOdds;
        this.delay = delayOdds;
        this.duplicate = duplicateOdds;
    }

    void send(List<Message> messages) {
        sent.addAll(messages);
        inFlight.addAll(messages);
    }

    boolean idle() {
        return inFlight.isEmpty();
    }

    /** The messages due this round, in order; delayed ones (and second copies) stay in flight. */
    List<Message> nextRound() {
        List<Message> batch = new ArrayList<>();
        List<Message> later = new ArrayList<>();
        for (Message m : inFlight) {
            if (chaos != null && chaos.nextDouble() < delay) {
                later.add(m);
                continue;
            }
            batch.add(m);
            if (chaos != null && chaos.nextDouble() < duplicate) {
                later.add(m);
            }
        }
        inFlight.clear();
        inFlight.addAll(later);
        return batch;
    }

    /** Whether {@code m}, due now, reaches its destination (it is then recorded) or is lost. */
    boolean arrives(Message m) {
        if (isLost(m)) {
            return false;
        }
        delivered.add(m);
        return true;
    }

    private boolean isLost(Message m) {
        if (isolated.contains(m.from()) || isolated.contains(m.to()) || cutLinks.contains(List.of(m.from(), m.to()))
            || dropRules.stream().anyMatch(r -> r.test(m))) {
            return true;
        }
        return chaos != null && chaos.nextDouble() < loss;
    }

    long countSent(Predicate<Message> p) {
        return sent.stream().filter(p).count();
    }

    long countDelivered(Predicate<Message> p) {
        return delivered.stream().filter(p).count();
    }
}
