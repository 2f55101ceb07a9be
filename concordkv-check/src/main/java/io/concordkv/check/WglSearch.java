package io.concordkv.check;

import java.util.Arrays;

/**
 * The Wing-Gong-Lowe search for a linearization of one key's operations.
 *
 * <p>Walk the event list from the front. At a call, try to linearize that operation now: if the
 * register allows it in the current state and the resulting (linearized set, state) pair has not
 * been reached before, push it, lift its call and return out of the list and start again from the
 * front. At a return, the operation returning has not been linearized although every operation
 * still linearizable before it has been tried: pop the latest choice, put it back and try the
 * next call after it. An empty stack at a return means no linearization exists.
 *
 * <p>Two refinements. At each new configuration a read-only operation (an OK GET, or a CAS that
 * returned "not swapped") that the register allows now and real time allows next is linearized
 * without trying alternatives, and a backtrack passes straight through it ({@link
 * #forceReadOnly}): reads no longer multiply the states to explore. And an UNKNOWN operation
 * waits for its twins invoked before it ({@link TwinOrder}).
 *
 * <p>The search succeeds once every operation with a known outcome is linearized: those left
 * over are UNKNOWN writes, always legal, which can all go at the end. It gives up when the
 * deadline passes or the memo outgrows its memory budget. Single-threaded; one search per
 * instance.
 */
final class WglSearch {
    /** How many steps between two readings of the clock. */
    private static final int CLOCK_CHECK_MASK = (1 << 10) - 1;
    /** In place of a node: a new configuration, where a read-only operation may be forced. */
    private static final int FRESH = -2;
    /** In place of a node: the initial configuration has failed. */
    private static final int DEAD_END = -3;

    private final RegisterHistory history;
    private final Deadline deadline;
    private final long memoryBudget;
    private final EventList events;
    private final LinearizedSet linearized;
    private final VisitedSet visited = new VisitedSet();
    private final int[] stackOps;
    private final int[] stackStates;
    private final boolean[] stackForced;
    private final int[] previousTwin;
    private int depth;
    private int state;
    /** Operations with a known outcome not yet linearized. */
    private int unplacedKnown;
    private int[] bestPrefix = new int[0];
    private int bestState;
    private boolean bestUnsaved;

    WglSearch(RegisterHistory history, Deadline deadline, long memoryBudget) {
        this.history = history;
        this.deadline = deadline;
        this.memoryBudget = memoryBudget;
        int n = history.size();
        events = new EventList(history.invokeTime, history.returnTime);
        linearized = new LinearizedSet(n);
        stackOps = new int[n];
        stackStates = new int[n];
        stackForced = new boolean[n];
        previousTwin = TwinOrder.previousTwins(history);
        state = history.initialState;
        bestState = state;
        for (int op = 0; op < n; op++) {
            unplacedKnown += known(op);
        }
    }

    /** Runs the search to a verdict or until the deadline passes. */
    SearchResult run() {
        int node = FRESH;
        long steps = 0;
        while (unplacedKnown > 0) {
            if ((++steps & CLOCK_CHECK_MASK) == 0) {
                if (deadline.expired()) {
                    return result(SearchResult.Verdict.TIMED_OUT);
                }
                if (visited.approximateBytes() > memoryBudget) {
                    return result(SearchResult.Verdict.TOO_LARGE);
                }
            }
            if (node == FRESH) {
                node = forceReadOnly();
            } else if (node == DEAD_END || !EventList.isCall(node) && depth == 0) {
                return result(SearchResult.Verdict.VIOLATION);
            } else if (EventList.isCall(node)) {
                int op = EventList.op(node);
                boolean twinFirst = previousTwin[op] >= 0 && !linearized.contains(previousTwin[op]);
                node = !twinFirst && tryLinearize(op, false) ? FRESH : events.next(node);
            } else {
                node = backtrack();
            }
        }
        return result(SearchResult.Verdict.LINEARIZABLE);
    }

    /**
     * At a new configuration, linearizes a read-only operation that is legal now and that real
     * time allows next, if there is one: where any linearization exists, one starts with it
     * (moving it to the front changes no state), so no other choice needs trying here.
     *
     * @return {@link #FRESH} if one was placed; the node to continue from if there was none;
     *     otherwise, when the configuration it leads to is already known to fail, so does this
     *     one, and what {@link #backtrack} returns
     */
    private int forceReadOnly() {
        for (int node = events.first(); node != EventList.END && EventList.isCall(node); node = events.next(node)) {
            int op = EventList.op(node);
            if (history.isReadOnly(op) && history.step(state, op) != RegisterHistory.ILLEGAL) {
                if (tryLinearize(op, true)) {
                    return FRESH;
                }
                return depth == 0 ? DEAD_END : backtrack();
            }
        }
        return events.first();
    }

    /** 1 if {@code op} has a known outcome and so must be linearized, else 0. */
    private int known(int op) {
        return history.isUnknown(op) ? 0 : 1;
    }

    /**
     * Linearizes {@code op} next if the register allows it and the pair reached is new; {@code
     * forced} if it was the only choice tried in the configuration it leaves.
     */
    private boolean tryLinearize(int op, boolean forced) {
        int after = history.step(state, op);
        if (after == RegisterHistory.ILLEGAL) {
            return false;
        }
        linearized.add(op);
        if (!visited.add(linearized, after)) {
            linearized.remove(op);
            return false;
        }
        stackOps[depth] = op;
        stackStates[depth] = state;
        stackForced[depth] = forced;
        depth++;
        state = after;
        events.lift(op);
        unplacedKnown -= known(op);
        if (depth > bestPrefix.length) {
            bestUnsaved = true;
        }
        return true;
    }

    /**
     * Undoes the latest choice, and the ones before it for as long as they were forced (a forced
     * move failing means the configuration before it fails too).
     *
     * @return the node to continue from, or {@link #DEAD_END} if the initial configuration fails
     */
    private int backtrack() {
        saveBestPrefix();
        while (true) {
            depth--;
            int op = stackOps[depth];
            state = stackStates[depth];
            linearized.remove(op);
            events.unlift(op);
            unplacedKnown += known(op);
            if (!stackForced[depth]) {
                return events.next(EventList.callOf(op));
            }
            if (depth == 0) {
                return DEAD_END;
            }
        }
    }

    /**
     * Keeps the stack if it is the deepest yet. The deepest point reached since the last save is
     * always the current one at the first backtrack after it, so copying there is enough.
     */
    private void saveBestPrefix() {
        if (bestUnsaved) {
            bestPrefix = Arrays.copyOf(stackOps, depth);
            bestState = state;
            bestUnsaved = false;
        }
    }

    private SearchResult result(SearchResult.Verdict verdict) {
        if (verdict != SearchResult.Verdict.LINEARIZABLE) {
            saveBestPrefix();
        }
        return new SearchResult(verdict, bestPrefix, bestState, visited.size());
    }
}
