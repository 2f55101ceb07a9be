package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** ConfState: iteration order (which the core's message order follows) and applying changes. */
class ConfStateTest {
    private static ConfChange change(ConfChange.Type type, long id) {
        return new ConfChange(type, id, new byte[0]);
    }

    /**
     * Regression: the sets were built with Set.copyOf, whose iteration order is salted per JVM, so
     * the order of a candidate's vote requests (and so a seeded simulation) differed between runs.
     */
    @Test
    void votersAndLearnersIterateInAscendingIdOrder() {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= 40; id++) {
            ids.add(id);
        }
        Collections.shuffle(ids, new Random(7));
        ConfState conf = new ConfState(new TreeSet<>(ids.subList(0, 20)), Set.copyOf(ids.subList(20, 40)));

        assertThat(new ArrayList<>(conf.voters())).isSorted().hasSize(20);
        assertThat(new ArrayList<>(conf.learners())).isSorted().hasSize(20);
        assertThat(new ArrayList<>(conf.members())).isSorted().hasSize(40);
        assertThat(conf).isEqualTo(new ConfState(Set.copyOf(ids.subList(0, 20)), new TreeSet<>(ids.subList(20, 40))));
    }

    @Test
    void changesApplyOneMemberAtATime() {
        ConfState conf = ConfState.ofVoters(Set.of(1L, 2L, 3L));
        ConfState withLearner = conf.apply(change(ConfChange.Type.ADD_LEARNER, 4));
        assertThat(withLearner).isEqualTo(new ConfState(Set.of(1L, 2L, 3L), Set.of(4L)));
        assertThat(withLearner.isMember(4)).isTrue();

        ConfState promoted = withLearner.apply(change(ConfChange.Type.ADD_VOTER, 4));
        assertThat(promoted).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L, 4L)));
        assertThat(promoted.apply(change(ConfChange.Type.ADD_LEARNER, 4))).as("no demotion").isEqualTo(promoted);
        assertThat(promoted.apply(change(ConfChange.Type.REMOVE, 1))).isEqualTo(ConfState.ofVoters(Set.of(2L, 3L, 4L)));
        assertThat(conf.apply(change(ConfChange.Type.REMOVE, 9))).isEqualTo(conf);
    }

    @Test
    void memberCannotBeBothVoterAndLearner() {
        assertThatThrownBy(() -> new ConfState(Set.of(1L, 2L), Set.of(2L)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void confChangeRoundTripsThroughItsEncoding() {
        ConfChange cc = new ConfChange(ConfChange.Type.ADD_LEARNER, 42, "n42=host:2380".getBytes());
        ConfChange back = ConfChange.decode(cc.encode());
        assertThat(back.type()).isEqualTo(cc.type());
        assertThat(back.nodeId()).isEqualTo(42);
        assertThat(back.contextUtf8()).isEqualTo("n42=host:2380");
    }
}
