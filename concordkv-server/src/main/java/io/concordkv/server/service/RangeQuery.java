package io.concordkv.server.service;

import io.concordkv.storage.ScanRange;

/**
 * A range read as the etcd API asks for it: the keys, an optional revision, sorting, filters and
 * what to return.
 *
 * @param keys the keys (start inclusive, end exclusive); its limit is the result limit (0: none)
 * @param revision the revision to read at; 0 for the current one
 * @param sortTarget what to sort by; {@link SortTarget#KEY} with {@link SortOrder#NONE} is key order
 * @param sortOrder ascending, descending or none
 * @param keysOnly return keys and metadata without values
 * @param countOnly return only the count
 * @param minModRevision, maxModRevision, minCreateRevision, maxCreateRevision filters; 0 = no bound
 */
public record RangeQuery(ScanRange keys, long revision, SortTarget sortTarget, SortOrder sortOrder,
                         boolean keysOnly, boolean countOnly, long minModRevision, long maxModRevision,
                         long minCreateRevision, long maxCreateRevision) {
    public enum SortOrder { NONE, ASCEND, DESCEND }

    public enum SortTarget { KEY, VERSION, CREATE, MOD, VALUE }

    /** The keys in {@code keys} at the current revision, in key order. */
    public static RangeQuery of(ScanRange keys) {
        return new RangeQuery(keys, 0, SortTarget.KEY, SortOrder.NONE, false, false, 0, 0, 0, 0);
    }

    public RangeQuery atRevision(long rev) {
        return new RangeQuery(keys, rev, sortTarget, sortOrder, keysOnly, countOnly, minModRevision, maxModRevision,
            minCreateRevision, maxCreateRevision);
    }

    /** Whether the answer needs every key of the range before the limit applies (sorting or filters). */
    boolean needsWholeRange() {
        return sortTarget != SortTarget.KEY && sortOrder != SortOrder.NONE || minModRevision > 0 || maxModRevision > 0 || minCreateRevision > 0
            || maxCreateRevision > 0;
    }
}
