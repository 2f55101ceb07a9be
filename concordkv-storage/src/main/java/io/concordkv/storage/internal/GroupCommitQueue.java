package io.concordkv.storage.internal;

import io.concordkv.api.KvException;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.WriteTicket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The queue of the {@code always} policy's group commit: who leads the next group and who is told
 * when it is done. Writers queue up; a waiting writer that finds no group in progress becomes the
 * leader, takes the queued batches from the head (up to {@link GroupCommitWriter#MAX_GROUP_BYTES}),
 * has {@code runGroup} write, sync and apply them, then wakes the next leader first and the members
 * of its group after. A writer may instead ask to be called back ({@link WriteTicket#whenDone}): it
 * leads the group itself only when the store is idle; otherwise it returns at once, and writes
 * queued with no writer waiting to lead them are led by a background driver (one thread of
 * {@code driver}), so a server needs no thread per write in flight and its event loops wait for an
 * fsync only when nothing else is going on. Callbacks run on the leader's thread, never nested. The
 * queue lock is never held during I/O. Thread-safe.
 */
final class GroupCommitQueue {
    /** A queued write; {@code wake} is signalled when it is done or has become the head of the queue. */
    static final class Pending {
        final WriteBatch batch;
        final byte[] payload;
        final Condition wake;
        boolean done;
        /** Whether its writer is parked in {@code awaitGroup}; guarded by queueLock. */
        boolean waiting;
        /** Told the outcome (null: success) instead of a waiting writer; guarded by queueLock. */
        Consumer<KvException> callback;
        KvException error;

        Pending(WriteBatch batch, byte[] payload, Condition wake) {
            this.batch = batch;
            this.payload = payload;
            this.wake = wake;
        }
    }

    private final ReentrantLock queueLock = new ReentrantLock();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Whether a group is being written; guarded by queueLock. */
    private boolean leading;
    /** Whether the background driver has been asked to lead. */
    private final java.util.concurrent.atomic.AtomicBoolean driverScheduled = new java.util.concurrent.atomic.AtomicBoolean();

    private final Consumer<List<Pending>> runGroup;
    private final Executor driver;

    /**
     * @param runGroup writes, syncs and applies a group, setting each member's {@code error} on failure
     * @param driver runs the background driver
     */
    GroupCommitQueue(Consumer<List<Pending>> runGroup, Executor driver) {
        this.runGroup = runGroup;
        this.driver = driver;
    }

    /** Queues a write behind every write queued before it; its ticket waits for it or calls back. */
    WriteTicket submit(WriteBatch batch, byte[] payload) {
        queueLock.lock();
        try {
            Pending me = new Pending(batch, payload, queueLock.newCondition());
            queue.addLast(me);
            return new Ticket(me);
        } finally {
            queueLock.unlock();
        }
    }

    /** The ticket of a queued write under {@code always}: wait for it, or be called back. */
    private final class Ticket implements WriteTicket {
        private final Pending me;

        Ticket(Pending me) {
            this.me = me;
        }

        @Override
        public void await() {
            awaitGroup(me);
        }

        /**
         * Registers {@code callback}. When the store is idle (no group in progress, nothing queued
         * before this write) this thread leads the group itself, which spares a hand-off when
         * writes come one at a time; otherwise it returns at once and the write is led by a
         * waiting writer or the background driver, so that under load a caller (an event loop)
         * never waits for an fsync.
         */
        @Override
        public void whenDone(Consumer<KvException> callback) {
            boolean doneAlready;
            boolean idle;
            queueLock.lock();
            try {
                doneAlready = me.done;
                idle = !leading && queue.peekFirst() == me && queue.size() == 1;
                if (!doneAlready) {
                    me.callback = callback;
                }
            } finally {
                queueLock.unlock();
            }
            if (doneAlready) {
                callback.accept(me.error);
                return;
            }
            if (idle && !IN_CALLBACKS.get()) {
                leadOne();
            }
            if (needsDriver()) {
                handOverLeadership();
            }
        }
    }

    /** Leads one group if none is in progress and writes are queued, then runs its callbacks; whether it did. */
    private boolean leadOne() {
        List<Pending> group;
        queueLock.lock();
        try {
            if (leading || queue.isEmpty()) {
                return false;
            }
            leading = true;
            group = takeGroup();
        } finally {
            queueLock.unlock();
        }
        try {
            runGroup.accept(group);
        } finally {
            queueLock.lock();
            try {
                finishGroup(group, null);
            } finally {
                queueLock.unlock();
            }
        }
        runCallbacks(group);
        return true;
    }

    /** Whether writes are queued with no group in progress and no writer waiting to lead one. */
    private boolean needsDriver() {
        queueLock.lock();
        try {
            if (leading || queue.isEmpty()) {
                return false;
            }
            for (Pending p : queue) {
                if (p.waiting) {
                    return false;
                }
            }
            return true;
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Set while this thread runs callbacks: a write submitted from a callback (a transaction
     * retried after a conflict) is then left to the driver rather than led here, so that callbacks
     * never nest group commits on one stack.
     */
    private static final ThreadLocal<Boolean> IN_CALLBACKS = ThreadLocal.withInitial(() -> false);

    private static void runCallbacks(List<Pending> group) {
        boolean outer = !IN_CALLBACKS.get();
        IN_CALLBACKS.set(true);
        try {
            for (Pending p : group) {
                if (p.callback != null) {
                    p.callback.accept(p.error);
                }
            }
        } finally {
            if (outer) {
                IN_CALLBACKS.set(false);
            }
        }
    }

    /** Queued writes and nobody to lead them: the background driver leads until the queue is empty. */
    private void handOverLeadership() {
        if (!driverScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            driver.execute(this::driveQueue);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            driveQueue();
        }
    }

    private void driveQueue() {
        while (true) {
            while (leadOne()) {
                // lead group after group while writes keep arriving
            }
            driverScheduled.set(false);
            // a write queued after the last look, with nobody to lead it: go on driving
            if (!needsDriver() || !driverScheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /**
     * Waits until {@code me} is done, leading a group whenever no group is in progress: the
     * leader takes the queued batches from the head (its own among them, or ahead of it), writes,
     * syncs and applies them, marks them done and wakes the next waiting writer first, then the
     * members of its group. A writer that submitted but has not started waiting never holds up
     * the others.
     */
    private void awaitGroup(Pending me) {
        List<Pending> led = new ArrayList<>();
        queueLock.lock();
        try {
            while (!me.done) {
                if (leading) {
                    me.waiting = true;
                    me.wake.awaitUninterruptibly();
                    me.waiting = false;
                    continue;
                }
                leading = true;
                List<Pending> group = takeGroup();
                queueLock.unlock();
                try {
                    runGroup.accept(group);
                } finally {
                    queueLock.lock();
                    finishGroup(group, me);
                    led.addAll(group);
                }
            }
        } finally {
            queueLock.unlock();
        }
        runCallbacks(led);
        if (!led.isEmpty() && needsDriver()) {
            handOverLeadership();
        }
        resultOf(me);
    }

    /** Caller holds queueLock and led {@code group}. */
    private void finishGroup(List<Pending> group, Pending leader) {
        for (Pending p : group) {
            queue.pollFirst();
            p.done = true;
        }
        leading = false;
        // the next leader first, so the next group's write and fsync start at once
        for (Pending p : queue) {
            if (p.waiting) {
                p.wake.signal();
                break;
            }
        }
        for (Pending p : group) {
            if (p != leader) {
                p.wake.signal();
            }
        }
    }


    private static void resultOf(Pending p) {
        if (p.error != null) {
            throw p.error;
        }
    }

    /** Caller holds queueLock and leads; the queue is not empty (the caller is in it). */
    private List<Pending> takeGroup() {
        List<Pending> group = new ArrayList<>();
        long bytes = 0;
        for (Pending p : queue) {
            if (!group.isEmpty() && bytes + p.payload.length > GroupCommitWriter.MAX_GROUP_BYTES) {
                break;
            }
            group.add(p);
            bytes += p.payload.length;
        }
        return group;
    }
}
