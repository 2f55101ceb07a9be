package io.concordkv.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operations of one key, encoded for the search: values interned to small ints (0 is
 * absent), each operation as a few ints, and the register's step function over them. FAILED
 * operations and UNKNOWN GETs are left out by {@link #of}: they cannot constrain anything.
 *
 * <p>The search's states are canonical: all values that no operation compares with (no GET read
 * them, no CAS expected them) are one state, as nothing can tell them apart; the step function
 * on canonical states allows exactly what it allows on values. Messages name real values, found
 * by replaying a linearization ({@link #valueAfter}). Immutable; single-threaded use.
 */
final class RegisterHistory {
    /** The state of an absent register. */
    static final int ABSENT = 0;
    /** What {@link #step} returns when an operation cannot happen in a state. */
    static final int ILLEGAL = -1;
    /** What the value queries return when an operation has no such value. */
    static final int NONE = -1;

    final String key;
    /** Per operation: its index in the history given to the checker. */
    final int[] source;
    final long[] invokeTime;
    /** Per operation: its return time, {@link Operation#NEVER} if UNKNOWN. */
    final long[] returnTime;
    /** The value the register starts with. */
    final int initialValue;
    /** The canonical state the register starts in. */
    final int initialState;
    /** How many of the key's operations were left out. */
    final int dropped;
    private final KvOp.Kind[] kind;
    private final boolean[] unknown;
    /** PUT, CAS: the value written; GET: the value read; DELETE: absent. */
    private final int[] value;
    /** CAS: the value expected. */
    private final int[] expected;
    private final boolean[] swapped;
    private final List<Optional<String>> names;
    /** Per value: its canonical state. Null only in the raw encoding {@link #of} selects from. */
    private final int[] canonical;

    private RegisterHistory(String key, int n, int dropped, int initialValue, List<Optional<String>> names,
                            int[] canonical) {
        this.key = key;
        this.dropped = dropped;
        this.initialValue = initialValue;
        this.names = names;
        this.canonical = canonical;
        this.initialState = canonical == null ? initialValue : canonical[initialValue];
        source = new int[n];
        invokeTime = new long[n];
        returnTime = new long[n];
        kind = new KvOp.Kind[n];
        unknown = new boolean[n];
        value = new int[n];
        expected = new int[n];
        swapped = new boolean[n];
    }

    /**
     * Encodes the operations at {@code indices} of {@code history}, all on {@code key}, the
     * register starting at {@code initial}.
     */
    static RegisterHistory of(String key, List<Operation> history, List<Integer> indices, Optional<String> initial) {
        List<Integer> kept = new ArrayList<>(indices.size());
        for (int i : indices) {
            Operation op = history.get(i);
            boolean blind = op.outcome() == Outcome.UNKNOWN && op.op().kind() == KvOp.Kind.GET;
            if (op.outcome() != Outcome.FAILED && !blind) {
                kept.add(i);
            }
        }
        Interner values = new Interner();
        int initialValue = values.id(initial);
        RegisterHistory h = new RegisterHistory(key, kept.size(), indices.size() - kept.size(), initialValue,
                values.names, null);
        for (int i = 0; i < kept.size(); i++) {
            Operation op = history.get(kept.get(i));
            h.source[i] = kept.get(i);
            h.invokeTime[i] = op.invokeTime();
            h.returnTime[i] = op.returnTime();
            h.kind[i] = op.op().kind();
            h.unknown[i] = op.outcome() == Outcome.UNKNOWN;
            h.value[i] = values.id(h.kind[i] == KvOp.Kind.GET
                    ? op.output().map(o -> ((Output.Read) o).value()).orElseThrow()
                    : op.op().value());
            h.expected[i] = values.id(op.op().expected());
            h.swapped[i] = op.output().map(o -> o instanceof Output.Swap s && s.succeeded()).orElse(false);
        }
        return h.select(allOperations(kept.size()));
    }

    private static int[] allOperations(int n) {
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return all;
    }

    /** Per value: itself if some operation compares with it, else the first such unread value. */
    private int[] canonicalStates() {
        boolean[] compared = new boolean[stateCount()];
        for (int op = 0; op < size(); op++) {
            if (compared(op) != NONE) {
                compared[compared(op)] = true;
            }
        }
        int[] canon = new int[stateCount()];
        int unread = NONE;
        for (int v = 0; v < canon.length; v++) {
            unread = unread == NONE && !compared[v] ? v : unread;
            canon[v] = compared[v] ? v : unread;
        }
        return canon;
    }

    /** The operations {@code keep}, in order. */
    RegisterHistory select(int[] keep) {
        RegisterHistory h = new RegisterHistory(key, keep.length, dropped + size() - keep.length, initialValue, names,
                canonical != null ? canonical : canonicalStates());
        for (int i = 0; i < keep.length; i++) {
            int op = keep[i];
            h.source[i] = source[op];
            h.invokeTime[i] = invokeTime[op];
            h.returnTime[i] = returnTime[op];
            h.kind[i] = kind[op];
            h.unknown[i] = unknown[op];
            h.value[i] = value[op];
            h.expected[i] = expected[op];
            h.swapped[i] = swapped[op];
        }
        return h;
    }

    int size() {
        return source.length;
    }

    /** The number of distinct states: absent and each value appearing in the history. */
    int stateCount() {
        return names.size();
    }

    /** Whether the operation's fate is unknown: a write that may or may not have taken effect. */
    boolean isUnknown(int op) {
        return unknown[op];
    }

    /** The state the operation writes if it takes effect, or {@link #NONE} for a GET. */
    int written(int op) {
        return kind[op] == KvOp.Kind.GET ? NONE : kind[op] == KvOp.Kind.DELETE ? ABSENT : value[op];
    }

    /** The state a GET read or a CAS compares with, or {@link #NONE}. */
    int compared(int op) {
        return kind[op] == KvOp.Kind.GET ? value[op] : kind[op] == KvOp.Kind.CAS ? expected[op] : NONE;
    }

    /** Whether this is an OK operation that never changes the state: a GET or an unswapped CAS. */
    boolean isReadOnly(int op) {
        return !unknown[op] && (kind[op] == KvOp.Kind.GET || kind[op] == KvOp.Kind.CAS && !swapped[op]);
    }

    /** Whether this is a CAS known not to have swapped. */
    boolean isRefusedCas(int op) {
        return kind[op] == KvOp.Kind.CAS && !unknown[op] && !swapped[op];
    }

    /**
     * The canonical state after {@code op} runs in canonical {@code state}, or {@link #ILLEGAL}
     * if it cannot.
     */
    int step(int state, int op) {
        return switch (kind[op]) {
            case GET -> state == canonical[value[op]] ? state : ILLEGAL;
            case PUT -> canonical[value[op]];
            case DELETE -> canonical[ABSENT];
            case CAS -> {
                boolean matches = state == canonical[expected[op]];
                if (unknown[op]) {
                    yield matches ? canonical[value[op]] : state;
                }
                yield matches == swapped[op] ? (matches ? canonical[value[op]] : state) : ILLEGAL;
            }
        };
    }

    /**
     * What identifies an operation up to symmetry: two operations with the same key write the
     * same canonical state under the same condition.
     */
    long symmetryKey(int op) {
        return kind[op] == KvOp.Kind.CAS
                ? 1L << 62 | (long) canonical[expected[op]] << 31 | canonical[value[op]]
                : canonical[written(op)];
    }

    /** The value (not the canonical state) the register holds after the operations {@code ops}. */
    int valueAfter(int[] ops) {
        int state = initialState;
        int held = initialValue;
        for (int op : ops) {
            if (kind[op] == KvOp.Kind.PUT || kind[op] == KvOp.Kind.DELETE
                    || kind[op] == KvOp.Kind.CAS && state == canonical[expected[op]]) {
                held = written(op);
            }
            state = step(state, op);
        }
        return held;
    }

    /** Why {@code op} cannot run when the register holds {@code held}, for messages. */
    String whyIllegal(int held, int op) {
        String holds = "the register holds " + name(held);
        if (kind[op] == KvOp.Kind.GET) {
            return "read " + name(value[op]) + " but " + holds;
        }
        return swapped[op] ? "swapped from " + name(expected[op]) + " but " + holds : "did not swap although " + holds;
    }

    /** A value for messages: quoted, or {@code absent}. */
    String name(int value) {
        return Output.describe(names.get(value));
    }

    /** Interns register values: absent is 0, present values 1, 2, ... in order of appearance. */
    private static final class Interner {
        final List<Optional<String>> names = new ArrayList<>(List.of(Optional.empty()));
        final Map<String, Integer> ids = new HashMap<>();

        int id(Optional<String> value) {
            return value.map(v -> ids.computeIfAbsent(v, k -> {
                names.add(Optional.of(k));
                return names.size() - 1;
            })).orElse(ABSENT);
        }
    }
}
