package io.concordkv.server.service;

import io.concordkv.api.Bytes;
import io.concordkv.server.lease.Lease;
import io.concordkv.server.watch.WatchHub;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.CompactionReport;
import io.concordkv.txn.Transaction;
import io.concordkv.txn.TxnOptions;
import io.concordkv.txn.TxnRequest;
import io.concordkv.txn.TxnResponse;
import io.concordkv.txn.WriteResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What every front end (etcd gRPC, REST, later RESP) sees of a node: reads, the writes that go
 * through the node's ordered apply path, leases, watches and interactive transactions. Failures
 * are {@link io.concordkv.api.KvException}s with stable codes. Thread-safe.
 */
public interface KvService {
    RangeAnswer range(RangeQuery query);

    /**
     * Writes {@code key}. With {@code ignoreValue} the current value is kept, with
     * {@code ignoreLease} the current lease (both need the key to exist: {@code NOT_FOUND}).
     */
    WriteResult put(Bytes key, Bytes value, long lease, boolean ignoreValue, boolean ignoreLease);

    WriteResult deleteRange(ScanRange keys);

    TxnResponse txn(TxnRequest request);

    /**
     * As {@link #put}, completing on the thread that makes the write durable (no thread waits for
     * the fsync); dependent stages must be quick. Failures complete the future exceptionally.
     */
    CompletableFuture<WriteResult> putAsync(Bytes key, Bytes value, long lease, boolean ignoreValue,
                                            boolean ignoreLease);

    /** As {@link #deleteRange}, asynchronously (see {@link #putAsync}). */
    CompletableFuture<WriteResult> deleteRangeAsync(ScanRange keys);

    /** As {@link #txn}, asynchronously (see {@link #putAsync}). */
    CompletableFuture<TxnResponse> txnAsync(TxnRequest request);

    CompactionReport compact(long revision);

    long grantLease(long id, long ttlSeconds);

    /** Revokes a lease and deletes its keys; returns the revision after. */
    long revokeLease(long id);

    /** Restarts a lease's TTL; empty when it does not exist. */
    Optional<Long> keepAlive(long id);

    Optional<Lease> lease(long id, boolean withKeys);

    List<Long> leases();

    WatchHub watches();

    /** Begins an interactive transaction (its reads and writes go straight to the MVCC store). */
    Transaction begin(TxnOptions options);

    NodeStatus status();

    /**
     * Completes once a linearizable read may be served here (at once on a single node; after a
     * ReadIndex round in a cluster). Serializable reads skip it.
     */
    default CompletableFuture<Void> readBarrier() {
        return readBarrier(null);
    }

    /**
     * As {@link #readBarrier()}, completing on {@code continueOn} when it has to wait (null: a
     * thread of the node's own): a caller on a connection's event loop passes that loop, so its
     * read runs where its answer is written, with no other thread in between.
     */
    default CompletableFuture<Void> readBarrier(Executor continueOn) {
        return CompletableFuture.completedFuture(null);
    }
}
