package io.concordkv.client;

import io.concordkv.api.Bytes;
import java.util.List;
import java.util.Optional;

/**
 * One interactive transaction, begun by {@link TransactionClient#begin(TxnSpec)}. It lives on the
 * server it was begun on, and every call goes to that server over the same connection: the server
 * rolls the transaction back when that connection closes, when it has been idle longer than its
 * idle timeout, or when its timeout passes.
 *
 * <p>No call is retried. A failure with a retryable code ({@link io.concordkv.api.ErrorCode#CONFLICT},
 * {@code DEADLOCK}, {@code LOCK_TIMEOUT}) means the transaction lost to a concurrent one: run it
 * again from {@code begin} (see {@link TransactionClient#run}).
 *
 * <p>{@link #close()} rolls the transaction back unless it has committed or rolled back already,
 * so {@code try (InteractiveTxn t = ...)} never leaves it open.
 *
 * <p>Thread-safety: meant for one thread at a time (calls of a transaction are sequential);
 * {@link #close()} may be called from any thread.
 */
public interface InteractiveTxn extends AutoCloseable {
    /** The rows of {@link #range}, and whether the limit cut it short. */
    record RangeResult(List<KeyValue> kvs, boolean more) {
        public RangeResult {
            kvs = List.copyOf(kvs);
        }
    }

    /** The server's id of the transaction. */
    String id();

    /** The revision the transaction reads at (REPEATABLE_READ and SERIALIZABLE). */
    long startRevision();

    /** The endpoint the transaction lives on. */
    Endpoint endpoint();

    /** Whether neither commit nor rollback has been called yet. */
    boolean isOpen();

    /** The key's current value as this transaction sees it (its own writes included). */
    Optional<KeyValue> get(Bytes key);

    /** Like {@link #get}, and locks the key (pessimistic) or validates it at commit (optimistic). */
    Optional<KeyValue> getForUpdate(Bytes key);

    /**
     * The keys in {@code [key, rangeEnd)} (etcd's convention: empty {@code rangeEnd} = the key
     * alone, {@code "\0"} = every key from {@code key} on), at most {@code limit} (0 = no limit).
     */
    RangeResult range(Bytes key, Bytes rangeEnd, long limit);

    void put(Bytes key, Bytes value);

    void delete(Bytes key);

    /** Commits; returns the commit's revision (the start revision when nothing was written). */
    long commit();

    /** Rolls back. */
    void rollback();

    /** Rolls back if still open; errors of that rollback are ignored (the server cleans up anyway). */
    @Override
    void close();
}
