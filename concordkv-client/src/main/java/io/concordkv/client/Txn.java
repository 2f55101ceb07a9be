package io.concordkv.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A conditional transaction: if every compare holds, the success operations run, otherwise the
 * failure operations, atomically at one revision. Built with {@code Txn.when(...).then(...)
 * .orElse(...)}; immutable.
 *
 * @param compares conditions, all of which must hold
 * @param success operations run when they hold
 * @param failure operations run otherwise
 */
public record Txn(List<Compare> compares, List<Op> success, List<Op> failure) {
    public Txn {
        compares = List.copyOf(compares);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
    }

    /** A transaction with these conditions and no operations yet. */
    public static Txn when(Compare... compares) {
        return new Txn(Arrays.asList(compares), List.of(), List.of());
    }

    /** A copy with {@code ops} appended to the success branch. */
    public Txn then(Op... ops) {
        return new Txn(compares, append(success, ops), failure);
    }

    /** A copy with {@code ops} appended to the failure branch. */
    public Txn orElse(Op... ops) {
        return new Txn(compares, success, append(failure, ops));
    }

    /** Whether running the transaction twice is harmless: true when both branches only read. */
    public boolean readOnly() {
        return success.stream().allMatch(op -> op instanceof Op.Get)
            && failure.stream().allMatch(op -> op instanceof Op.Get);
    }

    private static List<Op> append(List<Op> base, Op[] ops) {
        List<Op> out = new ArrayList<>(base);
        out.addAll(Arrays.asList(ops));
        return out;
    }
}
