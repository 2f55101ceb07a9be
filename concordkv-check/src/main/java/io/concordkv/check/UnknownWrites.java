package io.concordkv.check;

import java.util.Arrays;

/**
 * Shrinks what UNKNOWN writes cost the search. An UNKNOWN write never returns, so it stays
 * concurrent with everything after it and each one still pending can double the states to
 * explore. Two rules, neither of which changes whether a key is linearizable, drop many of them
 * ({@link TwinOrder} tames most of the rest). Call a value <em>needed</em> when an OK GET read
 * it, or a swapped CAS or an UNKNOWN CAS expected it.
 *
 * <p><b>An UNKNOWN CAS expecting a value nobody writes is dropped</b>: the register never holds
 * that value, so the CAS cannot swap wherever it is placed.
 *
 * <p><b>An UNKNOWN write of a value nobody needs is dropped when no refused CAS can follow
 * it.</b> Take such a write X, every CAS that returned "not swapped" having returned before X was
 * invoked (so none can be linearized after X), and any linearization with X. Up to the next PUT
 * or DELETE, what follows X can only be UNKNOWN CASes that do not swap: nothing else can happen
 * in the state X leaves. Take X out and move those CASes (which might swap now) to the end, where
 * an UNKNOWN operation is always legal: still a linearization. The other way round, a
 * linearization without X gains it at the end.
 *
 * <p>(An UNKNOWN write that someone did read needs no rule: the search cannot place a reader
 * before it, so the reader's return already bounds it.)
 */
final class UnknownWrites {

    private UnknownWrites() {
    }

    /** {@code h} without the UNKNOWN writes the rules drop. */
    static RegisterHistory reduce(RegisterHistory h) {
        int n = h.size();
        boolean[] written = new boolean[h.stateCount()];
        written[h.initialValue] = true;
        for (int op = 0; op < n; op++) {
            if (h.written(op) != RegisterHistory.NONE) {
                written[h.written(op)] = true;
            }
        }
        boolean[] inert = new boolean[n];
        boolean[] needed = new boolean[h.stateCount()];
        long lastRefusalReturn = Long.MIN_VALUE;
        for (int op = 0; op < n; op++) {
            inert[op] = h.isUnknown(op) && h.compared(op) != RegisterHistory.NONE && !written[h.compared(op)];
            if (h.isRefusedCas(op)) {
                lastRefusalReturn = Math.max(lastRefusalReturn, h.returnTime[op]);
            } else if (h.compared(op) != RegisterHistory.NONE && !inert[op]) {
                needed[h.compared(op)] = true;
            }
        }
        int[] keep = new int[n];
        int kept = 0;
        for (int op = 0; op < n; op++) {
            boolean unneeded = h.isUnknown(op) && !needed[h.written(op)] && lastRefusalReturn < h.invokeTime[op];
            if (!inert[op] && !unneeded) {
                keep[kept++] = op;
            }
        }
        return h.select(Arrays.copyOf(keep, kept));
    }
}
