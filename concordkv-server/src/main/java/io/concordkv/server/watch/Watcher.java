package io.concordkv.server.watch;

import io.concordkv.txn.ChangeEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One watcher: its spec, the events queued for it (bounded), and the next revision it has not
 * been given yet. The hub fills the queue; the watcher's stream takes from it when the client can
 * receive. A watcher whose queue is full falls behind ("unsynced") and is caught up from the
 * stored history later, so a slow client never blocks writers or other watchers; one that falls
 * behind the compaction point is cancelled with it. Thread-safe (one lock per watcher).
 */
public final class Watcher {
    private final long id;
    private final WatchSpec spec;
    private final Runnable wake;
    private final int capacity;
    /** How many store resets preceded the watcher's creation: it belongs to that state of the store. */
    private final long generation;
    private final ArrayDeque<ChangeEvent> queue = new ArrayDeque<>();
    private long nextRevision;
    private boolean synced;
    private long compactedAt;
    private boolean cancelled;

    Watcher(long id, WatchSpec spec, Runnable wake, int capacity, long nextRevision, long generation) {
        this.id = id;
        this.spec = spec;
        this.wake = wake;
        this.capacity = capacity;
        this.nextRevision = nextRevision;
        this.generation = generation;
    }

    public long id() {
        return id;
    }

    public WatchSpec spec() {
        return spec;
    }

    long generation() {
        return generation;
    }

    synchronized long nextRevision() {
        return nextRevision;
    }

    /** Whether it has been given every commit so far (it is not being caught up from history). */
    public synchronized boolean synced() {
        return synced;
    }

    synchronized void markSynced(boolean on) {
        synced = on;
    }

    synchronized int room() {
        return capacity - queue.size();
    }

    synchronized boolean cancelled() {
        return cancelled;
    }

    boolean wants(ChangeEvent e) {
        return spec.keys().contains(e.kv().key()) && !(e.deleted() ? spec.noDelete() : spec.noPut());
    }

    /**
     * Offers the events of revisions up to {@code through} (already filtered for this watcher).
     * With {@code force} they are queued even past the capacity (one revision must always fit).
     * Returns false, queuing nothing, when they do not fit.
     */
    boolean offer(List<ChangeEvent> events, long through, boolean force) {
        synchronized (this) {
            if (cancelled || through < nextRevision) {
                return true;
            }
            if (!force && queue.size() + events.size() > capacity) {
                return false;
            }
            for (ChangeEvent e : events) {
                if (e.revision() >= nextRevision) {
                    queue.add(e);
                }
            }
            nextRevision = through + 1;
        }
        if (!events.isEmpty()) {
            wake.run();
        }
        return true;
    }

    void cancelCompacted(long revision) {
        synchronized (this) {
            cancelled = true;
            compactedAt = revision;
            queue.clear();
        }
        wake.run();
    }

    synchronized void cancel() {
        cancelled = true;
        queue.clear();
    }

    /**
     * Takes queued events, whole revisions only, at most {@code max} unless one revision alone is
     * larger. Empty when nothing is queued.
     */
    public synchronized List<ChangeEvent> take(int max) {
        List<ChangeEvent> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            long rev = queue.peek().revision();
            if (out.size() >= max && out.get(out.size() - 1).revision() != rev) {
                break;
            }
            out.add(queue.poll());
        }
        return out;
    }

    public synchronized boolean hasQueued() {
        return !queue.isEmpty() || cancelled && compactedAt > 0;
    }

    /** The compaction revision this watcher was cancelled at, once it fell behind it. */
    public synchronized OptionalLong compactedAt() {
        return cancelled && compactedAt > 0 ? OptionalLong.of(compactedAt) : OptionalLong.empty();
    }
}
