package io.concordkv.txn;

import io.concordkv.api.Bytes;
import io.concordkv.storage.ScanRange;
import java.util.List;
import java.util.Optional;

/**
 * An interactive transaction, begun by {@link MvccStore#begin}. Its writes are invisible to
 * others until {@link #commit}; it reads its own writes. Any failure that ends it ({@code CONFLICT},
 * {@code DEADLOCK}, {@code LOCK_TIMEOUT}, {@code TXN_TIMEOUT}) rolls it back and releases its locks
 * before the exception reaches the caller; later calls fail with {@code TXN_NOT_ACTIVE}.
 *
 * <p>Meant for one thread at a time; the store's timeout reaper may roll it back concurrently.
 * {@link #close} rolls back a transaction still active.
 */
public interface Transaction extends AutoCloseable {
    long id();

    /** The revision its snapshot reads are served at ({@code REPEATABLE_READ}, optimistic {@code SERIALIZABLE}). */
    long startRevision();

    TxnOptions options();

    TxnState state();

    Optional<KeyVersion> get(Bytes key);

    /** Reads {@code key} intending to write it: locks it exclusively (pessimistic) or validates it at commit (optimistic). */
    Optional<KeyVersion> getForUpdate(Bytes key);

    /** The live keys in {@code range} (limit and direction honoured), the transaction's own writes merged in. */
    List<KeyVersion> range(ScanRange range);

    void put(Bytes key, Bytes value);

    void delete(Bytes key);

    /**
     * Commits; returns the commit revision, or the revision read at when the transaction wrote
     * nothing.
     */
    long commit();

    void rollback();

    /** The operation list so far, in order. */
    List<TxnOperation> operations();

    @Override
    void close();
}
