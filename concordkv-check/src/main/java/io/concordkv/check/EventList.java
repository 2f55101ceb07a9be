package io.concordkv.check;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The doubly linked list of call and return events of one key's operations, in time order, from
 * which the search lifts an operation (its call and its return) when it linearizes it and into
 * which it puts the operation back, in reverse order, when it backtracks (dancing links).
 *
 * <p>Nodes are ints: {@code 2 * op} is the call of operation {@code op}, {@code 2 * op + 1} its
 * return, and {@code 2 * n} the head sentinel; {@link #END} ends the list. Events are ordered by
 * time, calls before returns at equal times (touching intervals are concurrent).
 * Single-threaded.
 */
final class EventList {
    /** The successor of the last node. */
    static final int END = -1;

    private final int head;
    private final int[] next;
    private final int[] prev;

    EventList(long[] invokeTime, long[] returnTime) {
        int n = invokeTime.length;
        head = 2 * n;
        next = new int[2 * n + 1];
        prev = new int[2 * n + 1];
        Integer[] order = new Integer[2 * n];
        for (int node = 0; node < 2 * n; node++) {
            order[node] = node;
        }
        Comparator<Integer> byTime = Comparator.comparingLong(
                node -> isCall(node) ? invokeTime[op(node)] : returnTime[op(node)]);
        Arrays.sort(order, byTime.thenComparingInt(node -> node & 1).thenComparingInt(node -> node));
        int last = head;
        for (int node : order) {
            next[last] = node;
            prev[node] = last;
            last = node;
        }
        next[last] = END;
    }

    static boolean isCall(int node) {
        return (node & 1) == 0;
    }

    static int op(int node) {
        return node >>> 1;
    }

    static int callOf(int op) {
        return 2 * op;
    }

    /** The first event still in the list, or {@link #END}. */
    int first() {
        return next[head];
    }

    /** The event after {@code node}, or {@link #END}. */
    int next(int node) {
        return next[node];
    }

    /** Removes the call and the return of {@code op}. */
    void lift(int op) {
        unlink(2 * op);
        unlink(2 * op + 1);
    }

    /** Puts back the call and the return of {@code op}; undoes the latest {@link #lift}. */
    void unlift(int op) {
        relink(2 * op + 1);
        relink(2 * op);
    }

    private void unlink(int node) {
        next[prev[node]] = next[node];
        if (next[node] != END) {
            prev[next[node]] = prev[node];
        }
    }

    private void relink(int node) {
        next[prev[node]] = node;
        if (next[node] != END) {
            prev[next[node]] = node;
        }
    }
}
