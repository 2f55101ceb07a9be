package io.concordkv.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes the explanation of a key that is not linearizable: the longest linearizable prefix the
 * search found, the register's value after it, and the operations that could come next in real
 * time but could not be placed there, with the reason when the register itself rules one out.
 */
final class FailureReport {
    /** At most this many operations are listed per section. */
    private static final int SHOWN = 10;

    private FailureReport() {
    }

    /** The explanation for a violation on {@code register}'s key. */
    static String violation(RegisterHistory register, SearchResult result, List<Operation> history) {
        int[] prefix = result.longestPrefix();
        StringBuilder text = new StringBuilder()
                .append("key \"").append(register.key).append("\" is not linearizable: no order of its ")
                .append(register.size()).append(" operations respects both real time and a register's rules (")
                .append(register.dropped).append(" more left out as irrelevant; ")
                .append(result.statesVisited()).append(" search states).\n")
                .append("Longest linearizable prefix found: ").append(prefix.length).append(" operations");
        int from = Math.max(0, prefix.length - SHOWN);
        if (from > 0) {
            text.append(" (last ").append(SHOWN).append(" shown)");
        }
        int held = register.valueAfter(prefix);
        text.append(", after which the register holds ").append(register.name(held)).append(":\n");
        for (int i = from; i < prefix.length; i++) {
            line(text, register, prefix[i], history);
        }
        text.append("Operations that could not be placed next:\n");
        List<Integer> stuck = candidates(register, prefix);
        for (int op : stuck.subList(0, Math.min(SHOWN, stuck.size()))) {
            line(text, register, op, history);
            int after = register.step(result.stateAfterPrefix(), op);
            text.setLength(text.length() - 1);
            text.append(after == RegisterHistory.ILLEGAL
                    ? ": " + register.whyIllegal(held, op)
                    : ": fits here, but every continuation fails later").append('\n');
        }
        if (stuck.size() > SHOWN) {
            text.append("  ... and ").append(stuck.size() - SHOWN).append(" more\n");
        }
        return text.toString();
    }

    /**
     * The operations not in {@code prefix} that real time allows next: those invoked no later
     * than the earliest return among the operations not in it.
     */
    private static List<Integer> candidates(RegisterHistory register, int[] prefix) {
        boolean[] placed = new boolean[register.size()];
        for (int op : prefix) {
            placed[op] = true;
        }
        long firstReturn = Long.MAX_VALUE;
        for (int op = 0; op < register.size(); op++) {
            if (!placed[op]) {
                firstReturn = Math.min(firstReturn, register.returnTime[op]);
            }
        }
        List<Integer> next = new ArrayList<>();
        for (int op = 0; op < register.size(); op++) {
            if (!placed[op] && register.invokeTime[op] <= firstReturn) {
                next.add(op);
            }
        }
        next.sort(Comparator.comparingLong(op -> register.invokeTime[op]));
        return next;
    }

    private static void line(StringBuilder text, RegisterHistory register, int op, List<Operation> history) {
        int index = register.source[op];
        text.append("  #").append(index).append(' ').append(history.get(index)).append('\n');
    }
}
