package io.concordkv.check;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Symmetry between UNKNOWN operations. Two UNKNOWN operations (which never return and need not
 * be placed) that do the same thing to the canonical state (same
 * {@link RegisterHistory#symmetryKey}) are twins: in any linearization they can be exchanged, the
 * earlier invoked taking the earlier place, since an operation that never returns may go anywhere
 * after its invoke and neither leaves a trace the other would not. So the search need only
 * linearize twins in invoke order: a pending write is tried only once its previous twin is
 * placed. Typical beneficiaries are the writes that timed out and never took effect: nobody
 * reads their values, so all of them are twins, and instead of every subset of them the search
 * sees only how many were placed.
 */
final class TwinOrder {

    private TwinOrder() {
    }

    /**
     * Per operation of {@code h}: its previous twin in invoke order (ties broken by index, as in
     * the event list), or -1 if it has none or is not an UNKNOWN operation.
     */
    static int[] previousTwins(RegisterHistory h) {
        int n = h.size();
        int[] previous = new int[n];
        Arrays.fill(previous, -1);
        Integer[] unknown = new Integer[n];
        int count = 0;
        for (int op = 0; op < n; op++) {
            if (h.isUnknown(op)) {
                unknown[count++] = op;
            }
        }
        Integer[] ordered = Arrays.copyOf(unknown, count);
        Arrays.sort(ordered, (a, b) -> a.equals(b) ? 0
                : h.invokeTime[a] != h.invokeTime[b] ? Long.compare(h.invokeTime[a], h.invokeTime[b])
                : Integer.compare(a, b));
        Map<Long, Integer> last = new HashMap<>();
        for (int op : ordered) {
            Integer twin = last.put(h.symmetryKey(op), op);
            previous[op] = twin == null ? -1 : twin;
        }
        return previous;
    }
}
