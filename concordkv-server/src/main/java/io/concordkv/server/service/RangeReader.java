package io.concordkv.server.service;

import io.concordkv.api.Bytes;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.MvccStore;
import io.concordkv.txn.RangeResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Range reads with etcd's options over the MVCC store: key order (either direction) is read with
 * the limit pushed down; sorting by another field or the revision filters read the whole range at
 * the revision first. The count is that of the whole range (limit and filters aside), as etcd
 * reports it. Thread-safe.
 */
final class RangeReader {
    private final MvccStore store;

    RangeReader(MvccStore store) {
        this.store = store;
    }

    RangeAnswer range(RangeQuery q) {
        long rev = q.revision() == 0 ? store.currentRevision() : q.revision();
        int limit = q.keys().limit();
        List<KeyVersion> kvs;
        boolean more;
        long count;
        if (!q.needsWholeRange()) {
            boolean reverse = q.sortOrder() == RangeQuery.SortOrder.DESCEND;
            RangeResult r = store.range(reverse ? q.keys().reversed() : q.keys(), rev);
            kvs = r.kvs();
            more = r.more();
            count = more || q.countOnly() && limit > 0
                ? store.range(q.keys().withLimit(0), rev).kvs().size() : kvs.size();
        } else {
            List<KeyVersion> all = store.range(q.keys().withLimit(0), rev).kvs();
            count = all.size();
            List<KeyVersion> kept = new ArrayList<>();
            for (KeyVersion kv : all) {
                if (passes(q, kv)) {
                    kept.add(kv);
                }
            }
            kept.sort(order(q));
            more = limit > 0 && kept.size() > limit;
            kvs = more ? kept.subList(0, limit) : kept;
        }
        if (q.countOnly()) {
            return new RangeAnswer(List.of(), more, count, rev);
        }
        if (q.keysOnly()) {
            kvs = kvs.stream().map(kv -> new KeyVersion(kv.key(), Bytes.EMPTY, kv.createRevision(),
                kv.modRevision(), kv.version(), kv.lease())).toList();
        }
        return new RangeAnswer(kvs, more, count, rev);
    }

    private static boolean passes(RangeQuery q, KeyVersion kv) {
        return (q.minModRevision() == 0 || kv.modRevision() >= q.minModRevision())
            && (q.maxModRevision() == 0 || kv.modRevision() <= q.maxModRevision())
            && (q.minCreateRevision() == 0 || kv.createRevision() >= q.minCreateRevision())
            && (q.maxCreateRevision() == 0 || kv.createRevision() <= q.maxCreateRevision());
    }

    private static Comparator<KeyVersion> order(RangeQuery q) {
        Comparator<KeyVersion> c = switch (q.sortTarget()) {
            case KEY -> Comparator.comparing(KeyVersion::key);
            case VERSION -> Comparator.comparingLong(KeyVersion::version);
            case CREATE -> Comparator.comparingLong(KeyVersion::createRevision);
            case MOD -> Comparator.comparingLong(KeyVersion::modRevision);
            case VALUE -> Comparator.comparing(KeyVersion::value);
        };
        if (q.sortOrder() == RangeQuery.SortOrder.NONE && q.sortTarget() == RangeQuery.SortTarget.KEY) {
            return c;
        }
        return q.sortOrder() == RangeQuery.SortOrder.DESCEND ? c.reversed() : c;
    }
}
