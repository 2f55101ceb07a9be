package io.concordkv.txn.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open interactive transactions of one store: their ids (in begin order, so a higher id is a
 * younger transaction), the oldest revision any of them still reads (history compaction keeps
 * it), and the reaping of those past their timeout. Thread-safe.
 */
public final class TxnRegistry {
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, InteractiveTxn> active = new ConcurrentHashMap<>();
    /** Revisions held for images captured but not written yet, by token. */
    private final Map<Long, Long> imagePins = new ConcurrentHashMap<>();
    private final AtomicLong pinTokens = new AtomicLong();

    public long nextId() {
        return ids.incrementAndGet();
    }

    public void add(InteractiveTxn txn) {
        active.put(txn.id(), txn);
    }

    public void remove(InteractiveTxn txn) {
        active.remove(txn.id());
    }

    public int size() {
        return active.size();
    }

    /** The oldest revision an open transaction or a captured image reads at, or {@code ceiling} if none reads below it. */
    public long oldestPinned(long ceiling) {
        long min = ceiling;
        for (InteractiveTxn txn : active.values()) {
            min = Math.min(min, txn.pinnedRevision());
        }
        for (long revision : imagePins.values()) {
            min = Math.min(min, revision);
        }
        return min;
    }

    /** Holds history compaction below {@code revision} until {@link #unpin}; returns the token. */
    public long pin(long revision) {
        long token = pinTokens.incrementAndGet();
        imagePins.put(token, revision);
        return token;
    }

    public void unpin(long token) {
        imagePins.remove(token);
    }

    /** Rolls back (or wakes, if busy) every transaction past its deadline. */
    public void reap(long nowNanos) {
        for (InteractiveTxn txn : active.values()) {
            txn.expire(nowNanos);
        }
    }

    /**
     * Aborts every open transaction with {@code reason}, waking those waiting for a lock and
     * waiting for those running an operation: the store's state is being replaced. The caller
     * holds off new ones.
     */
    public void abortAll(io.concordkv.api.KvException reason) {
        // every lock wait fails first, so that no transaction is granted a lock another one releases
        for (InteractiveTxn txn : active.values()) {
            txn.barFromLocks(reason);
        }
        for (InteractiveTxn txn : active.values()) {
            txn.terminate(reason);
        }
    }

    /** Rolls back every open transaction (store closing). */
    public void rollbackAll() {
        for (InteractiveTxn txn : active.values()) {
            txn.rollback();
        }
    }
}
