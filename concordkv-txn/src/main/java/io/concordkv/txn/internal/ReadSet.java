package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.ScanRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a transaction read, and at which revision, for validation at commit: a read is still
 * valid if nothing wrote the key (or, for a range, any key in it) after the revision it was read
 * at. Confined to the transaction's thread until commit, then read under the commit lock.
 */
final class ReadSet {
    private record RangeRead(ScanRange range, long revision) {
    }

    // created on first use: most transactions need one of them at most
    private Map<Bytes, Long> points = Map.of();
    private Map<Bytes, Long> forUpdate = Map.of();
    private List<RangeRead> ranges = List.of();

    void point(Bytes key, long revision) {
        if (points.isEmpty()) {
            points = new HashMap<>(4);
        }
        points.merge(key, revision, Math::min);
    }

    void forUpdate(Bytes key, long revision) {
        if (forUpdate.isEmpty()) {
            forUpdate = new HashMap<>(4);
        }
        forUpdate.merge(key, revision, Math::min);
    }

    void range(ScanRange range, long revision) {
        if (ranges.isEmpty()) {
            ranges = new ArrayList<>(2);
        }
        ranges.add(new RangeRead(range.withLimit(0), revision));
    }

    boolean isEmpty() {
        return points.isEmpty() && forUpdate.isEmpty() && ranges.isEmpty();
    }

    /**
     * The commit-time check.
     *
     * @param writes keys the transaction writes
     * @param writesSince when &gt;= 0, a written key changed after this revision is a conflict (first
     *     committer wins; 0 for a transaction that began on an empty store); -1 for no such check
     * @param validateReads whether point and range reads are validated ({@code SERIALIZABLE})
     */
    CommitSequencer.Validator validator(Collection<Bytes> writes, long writesSince, boolean validateReads) {
        return state -> {
            if (writesSince >= 0) {
                for (Bytes key : writes) {
                    check(state, key, writesSince, "written");
                }
            }
            forUpdate.forEach((key, rev) -> check(state, key, rev, "read for update"));
            if (validateReads) {
                points.forEach((key, rev) -> check(state, key, rev, "read"));
                for (RangeRead r : ranges) {
                    if (state.changedAfter(r.range(), r.revision())) {
                        throw new KvException(ErrorCode.CONFLICT, "a key in range " + r.range()
                            + " read at revision " + r.revision() + " has changed since; retry the transaction");
                    }
                }
            }
        };
    }

    private static void check(CurrentState state, Bytes key, long revision, String what) {
        long mod = state.modRevision(key);
        if (mod > revision) {
            throw new KvException(ErrorCode.CONFLICT, "key " + key + " " + what + " at revision " + revision
                + " was changed at revision " + mod + " by another transaction; retry the transaction");
        }
    }
}
