package io.concordkv.server.service;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.txn.TxnRequest;

/**
 * What etcd checks of a client's {@code Txn} before it proposes it, checked alike for the etcd
 * API and the REST API: at most {@code max-txn-ops} compares and operations per branch (etcd's
 * {@code --max-txn-ops}, 128 by default), and no key written twice in one branch. Both fail with
 * {@code INVALID_ARGUMENT} and etcd's messages, before anything is written. Interactive
 * transactions, which commit as a conditional transaction too, are not held to them.
 */
public final class TxnChecks {
    /** etcd's default {@code --max-txn-ops}. */
    public static final int DEFAULT_MAX_OPS = 128;

    private TxnChecks() {
    }

    /** @throws KvException {@code INVALID_ARGUMENT} when {@code request} breaks either rule */
    public static void check(TxnRequest request, int maxOps) {
        if (request.compares().size() > maxOps || request.success().size() > maxOps
            || request.failure().size() > maxOps) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
        }
        if (request.keyWrittenTwice().isPresent()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");
        }
    }
}
