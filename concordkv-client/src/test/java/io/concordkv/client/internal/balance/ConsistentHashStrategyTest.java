package io.concordkv.client.internal.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsistentHashStrategyTest {
    private static final int KEYS = 10_000;
    private final FakeTarget a = new FakeTarget("127.0.0.1:2379");
    private final FakeTarget b = new FakeTarget("127.0.0.1:2380");
    private final FakeTarget c = new FakeTarget("127.0.0.1:2381");
    private final List<FakeTarget> abc = List.of(a, b, c);

    private static Bytes key(int i) {
        return Bytes.utf8("key-" + i);
    }

    private static Map<Integer, String> owners(BalancingStrategy s, List<FakeTarget> targets) {
        Map<Integer, String> owners = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            owners.put(i, s.pick(targets, key(i)).id());
        }
        return owners;
    }

    @Test
    void aKeyAlwaysGoesToTheSameTargetInEveryInstance() {
        BalancingStrategy one = new ConsistentHashStrategy(160);
        BalancingStrategy two = new ConsistentHashStrategy(160);
        for (int i = 0; i < 200; i++) {
            FakeTarget first = one.pick(abc, key(i));
            for (int r = 0; r < 5; r++) {
                assertThat(one.pick(abc, key(i))).isSameAs(first);
            }
            assertThat(two.pick(abc, key(i))).isSameAs(first);
        }
    }

    @Test
    void keysSpreadEvenlyWithVirtualNodes() {
        Map<String, Integer> counts = new HashMap<>();
        owners(new ConsistentHashStrategy(160), abc).values().forEach(id -> counts.merge(id, 1, Integer::sum));
        assertThat(counts).hasSize(3);
        for (int n : counts.values()) {
            assertThat(n).as("share of %s keys: %s", KEYS, counts).isBetween(KEYS / 3 * 3 / 4, KEYS / 3 * 5 / 4);
        }
    }

    @Test
    void removingATargetMovesOnlyItsKeysAndAddingItBackRestoresThem() {
        BalancingStrategy s = new ConsistentHashStrategy(160);
        Map<Integer, String> before = owners(s, abc);
        Map<Integer, String> without = owners(s, List.of(a, c));
        List<Integer> moved = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            if (!before.get(i).equals(without.get(i))) {
                moved.add(i);
                assertThat(before.get(i)).as("only keys of the removed target move").isEqualTo(b.id());
            }
        }
        long ownedByB = before.values().stream().filter(b.id()::equals).count();
        assertThat(moved).hasSize((int) ownedByB);
        assertThat(without.values()).doesNotContain(b.id()).contains(a.id(), c.id());
        assertThat(owners(s, abc)).isEqualTo(before);
    }

    @Test
    void requestsWithoutAKeyGoRoundRobin() {
        BalancingStrategy s = new ConsistentHashStrategy(16);
        assertThat(List.of(s.pick(abc, Bytes.EMPTY), s.pick(abc, Bytes.EMPTY), s.pick(abc, Bytes.EMPTY)))
            .containsExactly(a, b, c);
    }
}
