package io.concordkv.txn;

import io.concordkv.api.Bytes;
import io.concordkv.storage.ScanRange;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A single-round conditional transaction, as etcd's {@code Txn}: if every compare holds, the
 * {@code success} operations run, else the {@code failure} ones; atomically, as one revision.
 */
public record TxnRequest(List<Compare> compares, List<TxnOp> success, List<TxnOp> failure) {
    public TxnRequest {
        compares = List.copyOf(compares);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
    }

    /**
     * A key that one branch writes twice, as etcd refuses ("duplicate key given in txn request"):
     * two puts of it, or a put of it and a delete range that covers it. Deletes may overlap each
     * other, and the two branches are checked apart, as in etcd.
     */
    public Optional<Bytes> keyWrittenTwice() {
        return keyWrittenTwice(success).or(() -> keyWrittenTwice(failure));
    }

    private static Optional<Bytes> keyWrittenTwice(List<TxnOp> ops) {
        List<ScanRange> deletes = ops.stream().filter(TxnOp.DeleteRange.class::isInstance)
            .map(op -> ((TxnOp.DeleteRange) op).range()).toList();
        Set<Bytes> puts = new HashSet<>();
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Put p && (!puts.add(p.key()) || deletes.stream().anyMatch(d -> d.contains(p.key())))) {
                return Optional.of(p.key());
            }
        }
        return Optional.empty();
    }
}
