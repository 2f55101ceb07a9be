package io.concordkv.storage.internal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.WriteTicket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The queue of the {@code always} policy's group commit: who leads the next group and who is told
 * when it is done. Writers queue up. A writer that finds the store idle (no group in progress,
 * nothing queued before it) leads its own group, which spares any hand-off when writes come one at
 * a time. Under load the groups are led back to back by a background driver (one thread of
 * {@code driver}): the leader of a group that finds more writes queued when it is done hands over
 * to the driver, which takes the queued batches from the head (up to
 * {@link GroupCommitWriter#MAX_GROUP_BYTES}), has {@code runGroup} write, sync and apply them, and
 * goes on to the next group at once, so the disk never waits for a thread to wake up. While the
 * driver runs, no writer takes over between two of its groups (it would only hand back to the
 * driver, whose thread would then have to be woken).
 *
 * <p>Waiting writers park without any lock ({@link LockSupport}) and are woken by a fan-out: the
 * leader wakes the first member of its group, and each woken member wakes two more before it
 * returns, so waking a large group costs the leader one wake-up, not one per member, and the
 * woken writers do not queue for a lock on their way out. A group that fails (or whose run throws)
 * fails every member. A writer may instead ask to be called
 * back ({@link WriteTicket#whenDone}); callbacks run on the leader's thread after its group, never
 * nested. The queue lock is never held during I/O. Thread-safe.
 */
final class GroupCommitQueue {
    /** A queued write. */
    static final class Pending {
        final WriteBatch batch;
        final byte[] payload;
        /** Set once the write is logged, synced and applied (or failed), after its wake-up place. */
        volatile boolean done;
        /** The thread parked in {@code awaitGroup} for it; set and read under queueLock. */
        Thread waiter;
        /** Told the outcome (null: success) instead of a waiting writer; guarded by queueLock. */
        Consumer<KvException> callback;
        KvException error;
        /** The group's parked writers and this one's place among them: it wakes 2i+1 and 2i+2. */
        Thread[] wakeList;
        int wakeIndex;

        Pending(WriteBatch batch, byte[] payload) {
            this.batch = batch;
            this.payload = payload;
        }
    }

    private final ReentrantLock queueLock = new ReentrantLock();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Whether a group is being written; guarded by queueLock. */
    private boolean leading;
    /** Whether the background driver has been asked to lead. */
    private final AtomicBoolean driverScheduled = new AtomicBoolean();

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
        Pending me = new Pending(batch, payload);
        queueLock.lock();
        try {
            queue.addLast(me);
        } finally {
            queueLock.unlock();
        }
        return new Ticket(me);
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
         * Registers {@code callback}. When the store is idle (no group in progress, the driver not
         * running, nothing queued before this write) this thread leads the group itself, which
         * spares a hand-off when writes come one at a time; otherwise it returns at once and the
         * write is led by the background driver, so that under load a caller (an event loop) never
         * waits for an fsync.
         */
        @Override
        public void whenDone(Consumer<KvException> callback) {
            boolean doneAlready;
            boolean idle;
            queueLock.lock();
            try {
                doneAlready = me.done;
                idle = !leading && !driverScheduled.get() && queue.peekFirst() == me && queue.size() == 1;
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
                leadOne(false);
            }
            if (needsDriver()) {
                handOverLeadership();
            }
        }
    }

    /**
     * Leads one group if none is in progress and writes are queued, then runs its callbacks;
     * whether it did. A leader other than the driver hands over to it when more writes are queued.
     */
    private boolean leadOne(boolean isDriver) {
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
        finishLeading(group, null, isDriver);
        return true;
    }

    /**
     * Runs {@code group}, marks it done and wakes its parked members (except {@code leader}, the
     * calling writer's own write), hands over to the driver if more writes are queued and this is
     * not the driver, then runs the group's callbacks.
     */
    private void finishLeading(List<Pending> group, Pending leader, boolean isDriver) {
        try {
            runGroup.accept(group);
        } catch (RuntimeException e) {
            failMembers(group, e);
        } catch (Error e) {
            failMembers(group, e);
            throw e;
        } finally {
            boolean more;
            Thread[] wake;
            queueLock.lock();
            try {
                wake = finishGroup(group, leader);
                more = !queue.isEmpty();
            } finally {
                queueLock.unlock();
            }
            wakeFanOut(wake, -1);
            if (more && !isDriver) {
                handOverLeadership();
            }
        }
        runCallbacks(group);
    }

    /** {@code runGroup} threw (not an I/O failure: it reports those itself); no member may see success. */
    private static void failMembers(List<Pending> group, Throwable cause) {
        KvException failure = new KvException(ErrorCode.INTERNAL, "group commit failed: " + cause, cause);
        for (Pending p : group) {
            if (p.error == null) {
                p.error = failure;
            }
        }
    }

    /** Whether writes are queued with no group in progress. */
    private boolean needsDriver() {
        queueLock.lock();
        try {
            return !leading && !queue.isEmpty();
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
        } catch (RejectedExecutionException closing) {
            driveQueue();
        }
    }

    private void driveQueue() {
        while (true) {
            while (leadOne(true)) {
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
     * Waits until {@code me} is done. A writer that finds no group in progress and the driver
     * not running leads one itself:
     * it takes the queued batches from the head (its own among them, or ahead of it), writes,
     * syncs and applies them. Otherwise it parks until its group's leader, or a member woken
     * before it, wakes it; the leader of the group in progress hands over to the driver if writes
     * are still queued when it is done, so a parked writer is never left without a leader. A
     * writer that submitted but has not started waiting never holds up the others.
     *
     * <p>Not interruptible: an interrupt is held back while the writer waits (a parked thread
     * with its interrupt set would not stay parked) and set again before it returns.
     */
    private void awaitGroup(Pending me) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                List<Pending> group = null;
                queueLock.lock();
                try {
                    if (me.done) {
                        break;
                    }
                    if (leading || driverScheduled.get()) {
                        // a group is in progress, or the driver is about to lead: leave it to them
                        // (a writer taking over would only hand back to the driver afterwards)
                        me.waiter = Thread.currentThread();
                    } else {
                        leading = true;
                        group = takeGroup();
                    }
                } finally {
                    queueLock.unlock();
                }
                if (group == null) {
                    while (!me.done) {
                        LockSupport.park(this);
                        interrupted |= Thread.interrupted();
                    }
                    wakeFanOut(me.wakeList, me.wakeIndex);
                    break;
                }
                finishLeading(group, me, false);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (me.error != null) {
            throw me.error;
        }
    }

    /**
     * Caller holds queueLock and led {@code group}: removes it from the queue, gives its parked
     * members other than {@code leader} their places in the wake-up fan-out, marks every member
     * done; returns the parked members, the caller wakes the first ones without the lock.
     */
    private Thread[] finishGroup(List<Pending> group, Pending leader) {
        int parked = 0;
        for (Pending p : group) {
            if (p.waiter != null && p != leader) {
                parked++;
            }
        }
        Thread[] wake = new Thread[parked];
        int i = 0;
        for (Pending p : group) {
            queue.pollFirst();
            if (p.waiter != null && p != leader) {
                wake[i] = p.waiter;
                p.wakeList = wake;
                p.wakeIndex = i++;
            }
            p.done = true;
        }
        leading = false;
        return wake;
    }

    /** Wakes the fan-out's children of place {@code index} (-1: the leader, whose child is place 0). */
    private static void wakeFanOut(Thread[] wake, int index) {
        if (wake == null) {
            return;
        }
        int first = index < 0 ? 0 : 2 * index + 1;
        int last = index < 0 ? 0 : first + 1;
        for (int c = first; c <= last && c < wake.length; c++) {
            LockSupport.unpark(wake[c]);
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
