package io.concordkv.txn.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A property checked against a model: for any sequence of zero-timeout acquires and
 * releases by a few owners on a few keys, the table grants exactly what the compatibility rules
 * allow (holding a mode covers itself and weaker ones; a lone shared holder may upgrade; otherwise
 * only shared beside shared), counts the locks held as the model does, and leaves no entry once
 * everything is released. Named {@code *Test} so that surefire's default includes pick it up;
 * jqwik prints the seed of a failing run.
 */
class LockGrantModelTest {
    private static final int OWNERS = 4;
    private static final int KEYS = 3;

    enum Kind { SHARED, EXCLUSIVE, RELEASE_ALL }

    record Op(int owner, int key, Kind kind) {
    }

    @Property(tries = 300)
    void zeroTimeoutGrantsFollowTheCompatibilityRules(@ForAll("operations") List<Op> ops) {
        LockOwner[] owners = new LockOwner[OWNERS];
        for (int i = 0; i < OWNERS; i++) {
            owners[i] = new LockOwner(i + 1);
        }
        Map<Integer, Map<Integer, LockMode>> model = new HashMap<>();
        try (StripedLockTable table = new StripedLockTable(LockTableOptions.defaults().withStripes(2))) {
            for (Op op : ops) {
                if (op.kind() == Kind.RELEASE_ALL) {
                    table.releaseAll(owners[op.owner()]);
                    model.values().forEach(holders -> holders.remove(op.owner()));
                } else {
                    LockMode mode = LockMode.valueOf(op.kind().name());
                    Map<Integer, LockMode> holders = model.computeIfAbsent(op.key(), k -> new HashMap<>());
                    boolean expected = grantable(holders, op.owner(), mode);
                    assertThat(tryAcquire(table, owners[op.owner()], op.key(), mode)).as(op.toString()).isEqualTo(expected);
                    if (expected && holders.get(op.owner()) != LockMode.EXCLUSIVE) {
                        holders.put(op.owner(), mode);
                    }
                }
                long held = model.values().stream().mapToLong(Map::size).sum();
                assertThat(table.stats().locksHeld()).as("locks held after " + op).isEqualTo(held);
            }
            for (LockOwner owner : owners) {
                table.releaseAll(owner);
            }
            assertThat(table.entryCount()).isZero();
            assertThat(table.stats().locksHeld()).isZero();
            assertThat(table.stats().waits()).isZero();
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        return Combinators.combine(
                Arbitraries.integers().between(0, OWNERS - 1),
                Arbitraries.integers().between(0, KEYS - 1),
                Arbitraries.of(Kind.class))
            .as(Op::new)
            .list().ofMaxSize(60);
    }

    private static boolean tryAcquire(StripedLockTable table, LockOwner owner, int key, LockMode mode) {
        try {
            table.acquire(owner, Bytes.utf8("key" + key), mode, Duration.ZERO);
            return true;
        } catch (KvException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.LOCK_TIMEOUT);
            return false;
        }
    }

    /** The rules, written out independently of {@link LockMode}. */
    private static boolean grantable(Map<Integer, LockMode> holders, int owner, LockMode mode) {
        LockMode held = holders.get(owner);
        if (held == LockMode.EXCLUSIVE || held == mode) {
            return true;
        }
        for (Map.Entry<Integer, LockMode> other : holders.entrySet()) {
            boolean bothShared = other.getValue() == LockMode.SHARED && mode == LockMode.SHARED;
            if (other.getKey() != owner && !bothShared) {
                return false;
            }
        }
        return true;
    }
}
