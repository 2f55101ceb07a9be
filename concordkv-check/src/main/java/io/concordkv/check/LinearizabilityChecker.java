package io.concordkv.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Checks that a key-value history is linearizable, each key being a register: splits the
 * history by key (linearizability is compositional, so the whole is linearizable exactly when
 * every key is) and runs the Wing-Gong-Lowe search with memoisation on each key, in key order,
 * within one wall-clock time limit for the whole check.
 *
 * <p>The verdict is {@link CheckResult.Status#OK} only when every key was searched to the end;
 * when the time limit runs out first, or one key's search outgrows the memory budget (by
 * default a quarter of the maximum heap), it is {@link CheckResult.Status#UNKNOWN}, never OK. The
 * first key found not linearizable is reported at once and the keys after it are not checked.
 *
 * <p>Threads: immutable; {@link #check} may run on any number of threads at once, each call
 * working on its own state.
 */
public final class LinearizabilityChecker {
    private final Duration timeLimit;
    private final LongSupplier nanoClock;
    private final long memoryBudget;

    /** A checker with {@code timeLimit} per check, measured with {@link System#nanoTime()}. */
    public LinearizabilityChecker(Duration timeLimit) {
        this(timeLimit, System::nanoTime);
    }

    /**
     * A checker with {@code timeLimit} per check, measured with {@code nanoClock} (nanoseconds,
     * monotonic; read every thousand or so search steps).
     */
    public LinearizabilityChecker(Duration timeLimit, LongSupplier nanoClock) {
        this(timeLimit, nanoClock, Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * A checker with {@code timeLimit} per check, measured with {@code nanoClock}, whose search
     * of one key gives up when its memo holds more than about {@code memoryBudgetBytes}.
     */
    public LinearizabilityChecker(Duration timeLimit, LongSupplier nanoClock, long memoryBudgetBytes) {
        this.timeLimit = Objects.requireNonNull(timeLimit, "timeLimit");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.memoryBudget = memoryBudgetBytes;
        if (timeLimit.isNegative()) {
            throw new IllegalArgumentException("negative time limit: " + timeLimit);
        }
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException("memory budget must be positive: " + memoryBudgetBytes);
        }
    }

    /** Checks {@code history}, every key starting absent. The operations may come in any order. */
    public CheckResult check(List<Operation> history) {
        return check(history, Map.of());
    }

    /**
     * Checks {@code history}, each key starting with its value in {@code initialValues}, or
     * absent if it has none. The operations may come in any order.
     */
    public CheckResult check(List<Operation> history, Map<String, String> initialValues) {
        List<Operation> ops = List.copyOf(history);
        Map<String, String> initial = Map.copyOf(initialValues);
        Deadline deadline = new Deadline(timeLimit, nanoClock);
        Map<String, List<Integer>> byKey = new TreeMap<>();
        for (int i = 0; i < ops.size(); i++) {
            byKey.computeIfAbsent(ops.get(i).key(), k -> new ArrayList<>()).add(i);
        }
        int checkedOps = 0;
        int dropped = 0;
        long states = 0;
        for (Map.Entry<String, List<Integer>> key : byKey.entrySet()) {
            if (deadline.expired()) {
                return timedOut(key.getKey(), checkedOps, ops.size());
            }
            RegisterHistory register = UnknownWrites.reduce(RegisterHistory.of(
                    key.getKey(), ops, key.getValue(), Optional.ofNullable(initial.get(key.getKey()))));
            SearchResult result = new WglSearch(register, deadline, memoryBudget).run();
            switch (result.verdict()) {
                case VIOLATION:
                    return CheckResult.notLinearizable(key.getKey(), FailureReport.violation(register, result, ops));
                case TIMED_OUT:
                    return timedOut(key.getKey(), checkedOps, ops.size());
                case TOO_LARGE:
                    return CheckResult.unknown(key.getKey(), "the search of key \"" + key.getKey()
                            + "\" outgrew its memory budget of " + (memoryBudget >> 20) + " MiB after "
                            + result.statesVisited() + " states; " + checkedOps + " of " + ops.size()
                            + " operations had been found linearizable");
                case LINEARIZABLE:
                    checkedOps += key.getValue().size();
                    dropped += register.dropped;
                    states += result.statesVisited();
                    break;
                default:
                    throw new IllegalStateException("unknown verdict " + result.verdict());
            }
        }
        return CheckResult.ok("linearizable: " + ops.size() + " operations on " + byKey.size() + " keys ("
                + dropped + " left out as irrelevant: FAILED, UNKNOWN GETs, UNKNOWN writes that cannot matter; " + states
                + " search states) in " + millis(deadline.elapsedNanos()) + " ms");
    }

    private CheckResult timedOut(String key, int checkedOps, int totalOps) {
        return CheckResult.unknown(key, "time limit of " + timeLimit + " ran out while checking key \"" + key
                + "\"; " + checkedOps + " of " + totalOps + " operations had been found linearizable");
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
