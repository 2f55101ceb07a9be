package io.concordkv.raft.core;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cluster configuration: the voters (who elect leaders and make up the majority) and the
 * learners (who receive the log but do not vote). Member ids are positive. Immutable; both sets
 * iterate in ascending id order.
 */
public record ConfState(Set<Long> voters, Set<Long> learners) {
    public static final ConfState EMPTY = new ConfState(Set.of(), Set.of());

    public ConfState {
        // sorted, not Set.copyOf: its iteration order is salted per JVM, and the core sends vote
        // requests in this order, which a seeded simulation must be able to replay
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        for (Long v : voters) {
            if (learners.contains(v)) {
                throw new IllegalArgumentException("member " + v + " is both voter and learner");
            }
        }
    }

    public static ConfState ofVoters(Set<Long> voters) {
        return new ConfState(voters, Set.of());
    }

    public boolean isMember(long id) {
        return voters.contains(id) || learners.contains(id);
    }

    /** All members, voters and learners, in ascending id order. */
    public Set<Long> members() {
        TreeSet<Long> all = new TreeSet<>(voters);
        all.addAll(learners);
        return all;
    }

    /** This configuration with {@code change} applied. */
    public ConfState apply(ConfChange change) {
        TreeSet<Long> v = new TreeSet<>(voters);
        TreeSet<Long> l = new TreeSet<>(learners);
        long id = change.nodeId();
        switch (change.type()) {
            case ADD_VOTER -> {
                l.remove(id);
                v.add(id);
            }
            case ADD_LEARNER -> {
                if (!v.contains(id)) {
                    l.add(id);
                }
            }
            case REMOVE -> {
                v.remove(id);
                l.remove(id);
            }
            default -> throw new IllegalArgumentException("unknown change " + change);
        }
        return new ConfState(v, l);
    }
}
