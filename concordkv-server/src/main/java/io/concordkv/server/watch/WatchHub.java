package io.concordkv.server.watch;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.txn.ChangeEvent;
import io.concordkv.txn.ChangeListener;
import io.concordkv.txn.MvccStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All watchers of a node. Synced watchers get each commit from the change feed as it happens (the
 * feed calls {@link #committed} in revision order, under the hub lock); a watcher that starts in
 * the past, or whose bounded queue was full, is unsynced and a catch-up thread feeds it from the
 * stored history, a bounded number of revisions at a time, until it reaches the feed and joins
 * the synced ones. A watcher whose next revision has been compacted is cancelled with the
 * compaction revision, as etcd does.
 *
 * <p>When the store's whole state is replaced by an image ({@link ChangeListener#onReset}) every
 * watcher is cancelled the same way, with the new state's compacted revision (at least 1), so
 * that its client re-reads and watches again: the events it was given belong to a history that
 * the new state need not continue (an image may come from anywhere), so neither its position nor
 * its filters can be carried over. A watcher belongs to the state it was created in (its
 * generation), and catch-up never feeds it from another. Thread-safe; owns the catch-up thread.
 */
public final class WatchHub implements ChangeListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
    /** Revisions read from history per catch-up step of one watcher. */
    private static final int CATCH_UP_REVISIONS = 1_000;

    private final MvccStore store;
    private final int queueCapacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Set<Watcher> synced = ConcurrentHashMap.newKeySet();
    private final Set<Watcher> unsynced = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final Thread catchUp;
    private volatile long lastRevision;
    /** The store's reset count as of the last reset told; watchers created now belong to it. */
    private volatile long generation;
    private volatile boolean closed;

    /** Starts following {@code store}'s change feed; {@code queueCapacity} events per watcher before it falls behind. */
    public WatchHub(MvccStore store, int queueCapacity) {
        this.store = store;
        this.queueCapacity = queueCapacity;
        this.generation = store.restores();
        this.lastRevision = store.addChangeListener(this);
        this.catchUp = new Thread(this::catchUpLoop, "concordkv-watch-catch-up");
        catchUp.setDaemon(true);
        catchUp.start();
    }

    /** The newest revision handed to watchers. */
    public long revision() {
        return lastRevision;
    }

    public int watchers() {
        return synced.size() + unsynced.size();
    }

    /**
     * Adds a watcher; {@code wake} is called (from any thread, briefly) whenever it has events to
     * take or has been cancelled. Events from {@code spec.startRevision()} on (or from the next
     * commit when 0) are queued for it in revision order.
     */
    public Watcher watch(WatchSpec spec, Runnable wake) {
        lock.lock();
        try {
            long start = spec.startRevision() == 0 ? lastRevision + 1 : spec.startRevision();
            Watcher w = new Watcher(ids.incrementAndGet(), spec, wake, queueCapacity, start, generation);
            if (start > lastRevision) {
                w.markSynced(true);
                synced.add(w);
            } else {
                unsynced.add(w);
                work.signal();
            }
            return w;
        } finally {
            lock.unlock();
        }
    }

    public void cancel(Watcher w) {
        w.cancel();
        synced.remove(w);
        unsynced.remove(w);
    }

    @Override
    public void committed(long revision, List<ChangeEvent> changes) {
        lock.lock();
        try {
            lastRevision = revision;
            boolean behind = false;
            for (Watcher w : synced) {
                List<ChangeEvent> mine = new ArrayList<>();
                for (ChangeEvent e : changes) {
                    if (w.wants(e)) {
                        mine.add(e);
                    }
                }
                if (!w.offer(mine, revision, false)) {
                    w.markSynced(false);
                    synced.remove(w);
                    unsynced.add(w);
                    behind = true;
                }
            }
            if (behind) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The store's state was replaced: every watcher is cancelled as if compacted (see the class comment). */
    @Override
    public void onReset(long revision) {
        lock.lock();
        try {
            lastRevision = revision;
            generation = store.restores();
            long compacted = Math.max(1, store.compactedRevision());
            for (Watcher w : List.copyOf(synced)) {
                w.cancelCompacted(compacted);
            }
            for (Watcher w : List.copyOf(unsynced)) {
                w.cancelCompacted(compacted);
            }
            synced.clear();
            unsynced.clear();
            LOG.info("store state replaced at revision {}: watchers cancelled with compacted revision {}", revision,
                compacted);
        } finally {
            lock.unlock();
        }
    }

    private void catchUpLoop() {
        while (!closed) {
            boolean progressed = false;
            for (Watcher w : unsynced) {
                try {
                    progressed |= catchUp(w);
                } catch (RuntimeException e) {
                    if (!closed) {
                        LOG.warn("watch catch-up of watcher {} failed: {}", w.id(), e.getMessage());
                    }
                }
            }
            lock.lock();
            try {
                if (!progressed && !closed) {
                    work.await(20, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** One catch-up step for {@code w}; true when it queued something or joined the synced watchers. */
    private boolean catchUp(Watcher w) {
        if (w.cancelled()) {
            unsynced.remove(w);
            return false;
        }
        long from = w.nextRevision();
        long compacted = store.compactedRevision();
        if (compacted > 0 && from <= compacted) {
            // what it still needs is gone, whether or not its client has taken what is queued
            unsynced.remove(w);
            w.cancelCompacted(compacted);
            return true;
        }
        int room = w.room();
        if (room <= 0 || w.generation() != store.restores()) {
            // full; or created before a reset whose cancellation is on its way
            return false;
        }
        long to = Math.min(lastRevision, from + Math.min(CATCH_UP_REVISIONS, Math.max(room, 64)) - 1);
        if (from <= to) {
            List<ChangeEvent> events;
            try {
                events = store.changes(w.spec().keys(), from, to);
            } catch (KvException e) {
                if (e.code() != ErrorCode.COMPACTED) {
                    throw e;
                }
                unsynced.remove(w);
                w.cancelCompacted(store.compactedRevision());
                return true;
            }
            if (w.generation() != store.restores()) {
                // the state was replaced while the events were read: they may be the new state's
                return false;
            }
            offerFitting(w, events.stream().filter(w::wants).toList(), to);
        }
        lock.lock();
        try {
            if (w.nextRevision() > lastRevision && !w.cancelled()) {
                unsynced.remove(w);
                w.markSynced(true);
                synced.add(w);
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Queues whole revisions of {@code events} (read through {@code to}) while they fit, at least one. */
    private static void offerFitting(Watcher w, List<ChangeEvent> events, long to) {
        int room = w.room();
        if (events.size() <= room) {
            w.offer(events, to, true);
            return;
        }
        int end = 0;
        while (end < events.size()) {
            long rev = events.get(end).revision();
            int next = end;
            while (next < events.size() && events.get(next).revision() == rev) {
                next++;
            }
            if (end > 0 && next > room) {
                break;
            }
            end = next;
        }
        w.offer(events.subList(0, end), events.get(end - 1).revision(), true);
    }

    @Override
    public void close() {
        closed = true;
        store.removeChangeListener(this);
        catchUp.interrupt();
        synced.forEach(Watcher::cancel);
        unsynced.forEach(Watcher::cancel);
    }
}
