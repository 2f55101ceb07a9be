package io.concordkv.client;

import io.concordkv.api.Bytes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads, writes, deletions, conditional transactions and batches. Every call has a deadline (the
 * client's call timeout); async methods never throw but return a future failed with a
 * {@link io.concordkv.api.KvException}; sync methods wait and throw it. Thread-safe.
 *
 * <p>Reads are retried (with backoff, on another endpoint when one fails as unavailable); writes
 * and deletions only when marked idempotent; transactions only when they only read.
 */
public interface KvClient {
    /** Runs a range read. */
    CompletableFuture<GetResult> getAsync(Op.Get get);

    /** Runs a write. */
    CompletableFuture<PutResult> putAsync(Op.Put put);

    /** Runs a deletion. */
    CompletableFuture<DeleteResult> deleteAsync(Op.Delete delete);

    /** Runs a conditional transaction. */
    CompletableFuture<TxnResult> txnAsync(Txn txn);

    /**
     * Sends every operation at once, each routed on its own, and collects the results in the order
     * of {@code ops}. Not atomic (use {@link #txnAsync(Txn)} for that). Fails with the error of the
     * first failing operation (by position), or with a timeout when {@code timeout} passes before
     * every operation has answered.
     */
    CompletableFuture<List<OpResult>> batchAsync(List<Op> ops, Duration timeout);

    /** Runs any operation; the result's type matches the operation's. */
    CompletableFuture<OpResult> executeAsync(Op op);

    default GetResult get(Op.Get get) {
        return Blocking.await(getAsync(get));
    }

    /** Reads one key. */
    default GetResult get(Bytes key) {
        return get(Op.get(key));
    }

    default PutResult put(Op.Put put) {
        return Blocking.await(putAsync(put));
    }

    /** Writes {@code value} under {@code key}. */
    default PutResult put(Bytes key, Bytes value) {
        return put(Op.put(key, value));
    }

    default DeleteResult delete(Op.Delete delete) {
        return Blocking.await(deleteAsync(delete));
    }

    /** Deletes one key. */
    default DeleteResult delete(Bytes key) {
        return delete(Op.delete(key));
    }

    default TxnResult txn(Txn txn) {
        return Blocking.await(txnAsync(txn));
    }

    default List<OpResult> batch(List<Op> ops, Duration timeout) {
        return Blocking.await(batchAsync(ops, timeout));
    }
}
