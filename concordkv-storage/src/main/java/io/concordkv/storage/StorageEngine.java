package io.concordkv.storage;

import io.concordkv.api.Bytes;
import java.util.List;
import java.util.Optional;

/**
 * A key-value storage engine over binary keys and values, ordered by unsigned bytes.
 *
 * <p>Threading: every method may be called from any number of threads at once. A write that
 * returns is visible to every read that starts afterwards. After {@link #close()} every call fails
 * with {@link io.concordkv.api.ErrorCode#CLOSED}.
 *
 * <p>Errors: argument and limit violations throw {@link io.concordkv.api.KvException} with
 * {@code INVALID_ARGUMENT}, {@code KEY_TOO_LARGE}, {@code VALUE_TOO_LARGE} or
 * {@code REQUEST_TOO_LARGE} and change nothing.
 */
public interface StorageEngine extends AutoCloseable {

    /** The engine's registered name ({@code array}, {@code rbtree}, {@code hash}, {@code lsm}). */
    String name();

    /**
     * Whether keys are kept in order. Scans work on every engine, but on an unordered engine they
     * cost a full pass and a sort.
     */
    boolean isOrdered();

    /** The value stored under {@code key}, if any. */
    Optional<Bytes> get(Bytes key);

    /** Stores {@code value} under {@code key}, replacing any previous value. */
    void put(Bytes key, Bytes value);

    /** Removes {@code key}; removing an absent key is not an error. */
    void delete(Bytes key);

    /**
     * Applies every operation of {@code batch} in order, atomically: a concurrent reader sees
     * either none or all of them, and a batch that fails validation writes nothing.
     */
    void write(WriteBatch batch);

    /**
     * The entries in {@code range}, in key order (descending if the range is reversed), at most
     * {@link ScanRange#limit()} of them. The result reflects one consistent state of the engine.
     */
    List<KeyValue> scan(ScanRange range);

    /**
     * Whether the engine keeps its data on disk by itself (with its own write-ahead log), so the
     * embedded store needs no log of its own for it. Only {@code lsm} does.
     */
    default boolean isPersistent() {
        return false;
    }

    /**
     * Forces the engine's own write-ahead log to disk. A no-op for in-memory engines.
     *
     * @throws io.concordkv.api.KvException {@code IO_ERROR} when the sync fails
     */
    default void sync() {
    }

    /**
     * Which of the records this engine is given depend on earlier ones when the store's log is
     * replayed ({@link LogDependencies}); {@link LogDependencies#NONE} for every engine of the store
     * itself, whose records each stand alone.
     */
    default LogDependencies logDependencies() {
        return LogDependencies.NONE;
    }

    /** Approximate statistics; cheap enough to call often. */
    EngineStats stats();

    /** Releases the engine's resources; idempotent. */
    @Override
    void close();
}
