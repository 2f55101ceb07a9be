package io.concordkv.client.internal.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.KvException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategiesTest {
    private final FakeTarget a = new FakeTarget("a:1");
    private final FakeTarget b = new FakeTarget("b:1");
    private final FakeTarget c = new FakeTarget("c:1");
    private final List<FakeTarget> abc = List.of(a, b, c);

    private static Map<String, Integer> count(BalancingStrategy s, List<FakeTarget> targets, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(s.pick(targets, Bytes.EMPTY).id(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinCyclesThroughTheCandidatesInOrder() {
        BalancingStrategy s = BalancingStrategy.named("round-robin", Map.of(), 1);
        assertThat(List.of(s.pick(abc, Bytes.EMPTY), s.pick(abc, Bytes.EMPTY), s.pick(abc, Bytes.EMPTY),
            s.pick(abc, Bytes.EMPTY))).containsExactly(a, b, c, a);
        BalancingStrategy fresh = BalancingStrategy.named("round-robin", Map.of(), 1);
        assertThat(count(fresh, abc, 299)).containsEntry("a:1", 100).containsEntry("b:1", 100).containsEntry("c:1", 99);
    }

    @Test
    void weightedByConfigurationGivesEachItsShareSpreadOut() {
        BalancingStrategy s = BalancingStrategy.named("weighted", Map.of("a:1", 5, "b:1", 1), 1);
        assertThat(count(s, abc, 700)).containsEntry("a:1", 500).containsEntry("b:1", 100).containsEntry("c:1", 100);
        // smooth: within one cycle of 7 the heavy target never runs more than 3 in a row
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            seq.append(s.pick(abc, Bytes.EMPTY).id().charAt(0));
        }
        assertThat(seq.toString()).doesNotContain("aaaa").hasSize(7);
        assertThat(seq.chars().filter(ch -> ch == 'a').count()).isEqualTo(5);
    }

    @Test
    void weightedByLatencyFavoursTheFastEndpoint() {
        a.latencyNanos = 10_000_000;
        b.latencyNanos = 20_000_000;
        c.latencyNanos = 40_000_000;
        WeightedStrategy s = new WeightedStrategy(Map.of());
        assertThat(s.weights(abc)).containsExactly(10, 5, 3);
        assertThat(count(s, abc, 180)).containsEntry("a:1", 100).containsEntry("b:1", 50).containsEntry("c:1", 30);
    }

    @Test
    void weightedWithoutLatencyOrWeightsIsEven() {
        WeightedStrategy s = new WeightedStrategy(Map.of());
        assertThat(count(s, abc, 30)).containsEntry("a:1", 10).containsEntry("b:1", 10).containsEntry("c:1", 10);
        b.latencyNanos = 5_000_000;
        assertThat(s.weights(abc)).as("unknown latency weighs as the fastest").containsExactly(10, 10, 10);
    }

    @Test
    void leastOutstandingPicksTheLeastLoadedAndRotatesTies() {
        BalancingStrategy s = BalancingStrategy.named("least-outstanding", Map.of(), 1);
        a.outstanding = 4;
        b.outstanding = 1;
        c.outstanding = 3;
        for (int i = 0; i < 5; i++) {
            assertThat(s.pick(abc, Bytes.EMPTY)).isSameAs(b);
        }
        a.outstanding = 0;
        b.outstanding = 0;
        c.outstanding = 0;
        assertThat(count(s, abc, 30)).containsEntry("a:1", 10).containsEntry("b:1", 10).containsEntry("c:1", 10);
    }

    @Test
    void leastOutstandingFollowsLoadAsItChanges() {
        BalancingStrategy s = BalancingStrategy.named("least-outstanding", Map.of(), 1);
        for (int i = 0; i < 30; i++) {
            FakeTarget t = (FakeTarget) s.pick(abc, Bytes.EMPTY);
            t.outstanding++; // requests never finish: load must stay level
        }
        assertThat(List.of(a.outstanding, b.outstanding, c.outstanding)).containsExactly(10, 10, 10);
    }

    @Test
    void unknownStrategyIsRejected() {
        assertThatThrownBy(() -> BalancingStrategy.named("random", Map.of(), 1)).isInstanceOf(KvException.class);
    }
}
