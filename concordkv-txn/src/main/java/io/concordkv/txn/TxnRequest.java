package io.concordkv.txn;

import java.util.List;

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
}
