package io.concordkv.txn.lock;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One stripe of a {@link StripedLockTable}: the entries of the keys that hash to it, guarded by
 * the stripe's own lock, and every change made to them. An entry is created on the first request
 * for its key and dropped as soon as it has no holder and no queued request, so the map holds
 * only keys in use.
 *
 * <h2>Threads</h2>
 * Any thread. Each method takes the stripe lock for its whole change, takes the graph lock under
 * it when the change touches a queue, and wakes the threads whose requests it decided only after
 * letting go of the stripe lock. A thread holds at most one stripe lock at a time and never parks
 * holding it.
 */
final class LockStripe {
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@code lock}. */
    private final Map<Bytes, LockEntry> entries = new HashMap<>();
    private final WaitForGraph graph;
    private final LockTableCounters counters;
    private final BooleanSupplier closed;

    LockStripe(WaitForGraph graph, LockTableCounters counters, BooleanSupplier closed) {
        this.graph = graph;
        this.counters = counters;
        this.closed = closed;
    }

    /**
     * Grants the lock if it is held already or grantable now; otherwise queues a request for it,
     * runs deadlock detection, and returns the request for the caller to wait on (it may already
     * be decided, if the caller was chosen as a victim). With a zero timeout it fails instead of
     * queueing.
     */
    Optional<LockRequest> grantOrEnqueue(LockOwner owner, Bytes key, LockMode mode, Duration timeout) {
        List<LockRequest> decided = new ArrayList<>(0);
        lock.lock();
        try {
            if (closed.getAsBoolean()) {
                throw new KvException(ErrorCode.CLOSED, "the lock table is closed");
            }
            Optional<KvException> failure = owner.failure();
            if (failure.isPresent()) {
                throw failure.get();
            }
            LockEntry entry = entries.computeIfAbsent(key, LockEntry::new);
            if (entry.covers(owner, mode)) {
                return Optional.empty();
            }
            if (entry.grantableNow(owner, mode)) {
                grantNow(entry, owner, mode, decided);
                return Optional.empty();
            }
            if (timeout.isZero()) {
                counters.timedOut();
                throw StripedLockTable.timeout(owner, mode, timeout);
            }
            LockRequest request = new LockRequest(owner, entry, mode, entry.holds(owner), Thread.currentThread());
            Optional<KvException> refused = owner.startWaiting(request);
            if (refused.isPresent()) {
                throw refused.get();
            }
            entry.enqueue(request);
            counters.waited();
            entry.settle(graph, counters, decided);
            return Optional.of(request);
        } finally {
            lock.unlock();
            wake(decided);
        }
    }

    /**
     * Fails {@code request} with {@code reason} if it still waits, prunes it from its queue if it
     * is still there, and grants what became grantable.
     *
     * @return whether this call failed it
     */
    boolean withdraw(LockRequest request, KvException reason) {
        List<LockRequest> decided = new ArrayList<>(1);
        boolean failedHere = false;
        lock.lock();
        try {
            if (!request.isWaiting() && !request.queued) {
                removeIfEmpty(request.entry);
                return false;
            }
            graph.lock();
            try {
                if (request.isWaiting()) {
                    request.fail(reason);
                    graph.remove(request);
                    decided.add(request);
                    failedHere = true;
                }
                if (request.queued) {
                    request.entry.settle(graph, counters, decided);
                }
            } finally {
                graph.unlock();
            }
            removeIfEmpty(request.entry);
        } finally {
            lock.unlock();
            wake(decided);
        }
        return failedHere;
    }

    /** Releases {@code owner}'s locks on {@code keys} (all in this stripe) and grants what it can. */
    void release(LockOwner owner, List<Bytes> keys) {
        List<LockRequest> decided = new ArrayList<>(0);
        int released = 0;
        lock.lock();
        try {
            for (Bytes key : keys) {
                owner.recordRelease(key);
                LockEntry entry = entries.get(key);
                if (entry != null && entry.removeHolder(owner)) {
                    released++;
                    if (entry.hasQueue()) {
                        entry.settle(graph, counters, decided);
                    }
                    removeIfEmpty(entry);
                }
            }
        } finally {
            lock.unlock();
            counters.locksReleased(released);
            wake(decided);
        }
    }

    /** Fails every waiting request with {@code reason} (when the table closes). */
    void failWaiting(KvException reason) {
        List<LockRequest> decided = new ArrayList<>(0);
        lock.lock();
        try {
            for (LockEntry entry : entries.values()) {
                if (entry.hasQueue()) {
                    entry.failWaiting(reason, graph, counters, decided);
                }
            }
            entries.values().removeIf(LockEntry::isEmpty);
        } finally {
            lock.unlock();
            wake(decided);
        }
    }

    /** Number of keys with an entry. */
    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the threads of decided requests. */
    static void wake(List<LockRequest> decided) {
        for (LockRequest request : decided) {
            request.wake();
        }
    }

    private void grantNow(LockEntry entry, LockOwner owner, LockMode mode, List<LockRequest> decided) {
        boolean upgrade = entry.holds(owner);
        Optional<KvException> refused = owner.recordGrant(entry.key);
        if (refused.isPresent()) {
            removeIfEmpty(entry);
            throw refused.get();
        }
        entry.addHolder(owner, mode);
        counters.locksTaken(upgrade ? 0 : 1);
        if (entry.hasQueue()) {
            entry.settle(graph, counters, decided);
        }
    }

    private void removeIfEmpty(LockEntry entry) {
        if (entry.isEmpty()) {
            entries.remove(entry.key, entry);
        }
    }
}
