package io.concordkv.txn.internal;

import io.concordkv.txn.ChangeEvent;
import io.concordkv.txn.ChangeListener;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Hands each commit's changes to the listeners once the commit is visible, in revision order.
 * Commits are queued under the commit lock (so the queue is in revision order) and delivered by
 * whichever committing thread publishes: one thread delivers at a time, and a thread that finds
 * the delivery lock taken leaves its commit to the holder, which looks again after letting go.
 * Thread-safe.
 */
final class ChangeFeed {
    private record Pending(long revision, List<ChangeEvent> changes) {
    }

    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock delivering = new ReentrantLock();
    private final LongSupplier published;

    ChangeFeed(LongSupplier published) {
        this.published = published;
    }

    /** Whether anyone listens; commits build no events otherwise. */
    boolean active() {
        return !listeners.isEmpty();
    }

    /** Caller holds the commit lock. */
    void add(ChangeListener listener) {
        listeners.add(listener);
    }

    void remove(ChangeListener listener) {
        listeners.remove(listener);
    }

    /** Caller holds the commit lock, so commits are queued in revision order. */
    void queue(long revision, List<ChangeEvent> changes) {
        queue.add(new Pending(revision, changes));
    }

    /** Delivers every queued commit that is now visible. */
    void deliver() {
        while (deliverable()) {
            if (!delivering.tryLock()) {
                return;
            }
            try {
                Pending p;
                while ((p = queue.peek()) != null && p.revision() <= published.getAsLong()) {
                    queue.poll();
                    for (ChangeListener l : listeners) {
                        l.committed(p.revision(), p.changes());
                    }
                }
            } finally {
                delivering.unlock();
            }
        }
    }

    /**
     * Delivers every queued commit, waiting for a delivery under way to finish. The caller holds
     * the commit lock and every queued commit is visible (so nothing is queued meanwhile).
     */
    void drain() {
        delivering.lock();
        try {
            Pending p;
            while ((p = queue.poll()) != null) {
                for (ChangeListener l : listeners) {
                    l.committed(p.revision(), p.changes());
                }
            }
        } finally {
            delivering.unlock();
        }
    }

    /** Tells every listener the store's state was replaced; the caller holds the commit lock, the feed drained. */
    void reset(long revision) {
        delivering.lock();
        try {
            for (ChangeListener l : listeners) {
                l.onReset(revision);
            }
        } finally {
            delivering.unlock();
        }
    }

    private boolean deliverable() {
        Pending head = queue.peek();
        return head != null && head.revision() <= published.getAsLong();
    }
}
