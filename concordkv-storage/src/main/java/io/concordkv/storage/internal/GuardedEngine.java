package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.EngineLimits;
import io.concordkv.storage.EngineStats;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Wraps an engine with the checks every engine must make: size limits, non-empty keys and the
 * closed state. Validation completes before the delegate sees a request, so a rejected request
 * writes nothing. Thread-safe if the delegate is.
 */
public final class GuardedEngine implements StorageEngine {
    private final StorageEngine delegate;
    private final EngineLimits limits;
    private volatile boolean closed;

    public GuardedEngine(StorageEngine delegate, EngineLimits limits) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public boolean isOrdered() {
        return delegate.isOrdered();
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        ensureOpen();
        limits.checkKey(key);
        return delegate.get(key);
    }

    @Override
    public void put(Bytes key, Bytes value) {
        ensureOpen();
        limits.checkKey(key);
        limits.checkValue(value);
        delegate.put(key, value);
    }

    @Override
    public void delete(Bytes key) {
        ensureOpen();
        limits.checkKey(key);
        delegate.delete(key);
    }

    @Override
    public void write(WriteBatch batch) {
        ensureOpen();
        limits.checkBatch(Objects.requireNonNull(batch, "batch"));
        if (!batch.isEmpty()) {
            delegate.write(batch);
        }
    }

    @Override
    public List<KeyValue> scan(ScanRange range) {
        ensureOpen();
        return delegate.scan(Objects.requireNonNull(range, "range"));
    }

    @Override
    public boolean isPersistent() {
        return delegate.isPersistent();
    }

    @Override
    public void sync() {
        ensureOpen();
        delegate.sync();
    }

    @Override
    public EngineStats stats() {
        ensureOpen();
        return delegate.stats();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            delegate.close();
        }
    }

    private void ensureOpen() {
        ensureOpen(closed, delegate);
    }

    /** Throws {@code CLOSED} naming {@code engine} when {@code closed}; for engines that check for themselves. */
    static void ensureOpen(boolean closed, StorageEngine engine) {
        if (closed) {
            throw new KvException(ErrorCode.CLOSED, "engine " + engine.name() + " is closed");
        }
    }
}
