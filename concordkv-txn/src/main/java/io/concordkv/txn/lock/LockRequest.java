package io.concordkv.txn.lock;

import io.concordkv.api.KvException;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A request that could not be granted at once: it sits in its {@link LockEntry}'s queue, has a
 * node in the {@link WaitForGraph}, and its thread parks until the outcome is decided.
 *
 * <p>Its life: {@code WAITING}, then exactly one of {@code GRANTED} or {@code FAILED}. The outcome
 * is decided only while holding the graph lock (and, except when the deadlock detector fails a
 * victim, the stripe lock of its key), so a search of the graph never sees a request that has
 * already been granted or withdrawn. The waiting thread reads the outcome without a lock (it is
 * volatile) and is unparked once it is decided.
 *
 * <h2>Threads</h2>
 * Created by the owner's thread inside {@code acquire}; decided by whichever thread changes its
 * key or breaks its cycle; {@link #queued} belongs to the holder of the stripe lock.
 */
final class LockRequest {
    private enum State { WAITING, GRANTED, FAILED }

    final LockOwner owner;
    final LockEntry entry;
    final LockMode mode;
    /** The owner holds the key in {@code SHARED} mode already and asks for {@code EXCLUSIVE}. */
    final boolean upgrade;
    /** The thread to unpark when the outcome is decided. */
    final Thread thread;

    /** Whether it is still in its entry's queue. Guarded by the stripe lock. */
    boolean queued;

    private volatile State state = State.WAITING;
    /** Why it failed; written before {@code state} becomes {@code FAILED}. */
    private KvException failure;
    /** Whether it failed as a deadlock victim; written before {@code state}. */
    private boolean victim;
    /** When the cycle it broke formed (System.nanoTime); written before {@code state}. */
    private long cycleFormedNanos;

    LockRequest(LockOwner owner, LockEntry entry, LockMode mode, boolean upgrade, Thread thread) {
        this.owner = owner;
        this.entry = entry;
        this.mode = mode;
        this.upgrade = upgrade;
        this.thread = thread;
    }

    boolean isWaiting() {
        return state == State.WAITING;
    }

    boolean isGranted() {
        return state == State.GRANTED;
    }

    /** Decides the request granted. Caller holds the stripe and graph locks. */
    void grant() {
        state = State.GRANTED;
    }

    /** Decides the request failed with {@code reason}. Caller holds the graph lock. */
    void fail(KvException reason) {
        failure = reason;
        state = State.FAILED;
    }

    /**
     * Decides the request failed as the victim of a deadlock whose cycle formed at
     * {@code formedNanos}. Caller holds the graph lock.
     */
    void failAsVictim(KvException reason, long formedNanos) {
        victim = true;
        cycleFormedNanos = formedNanos;
        fail(reason);
    }

    /** Why it failed; only meaningful once it is neither waiting nor granted. */
    KvException failure() {
        return failure;
    }

    /** When the cycle it was the victim of formed, if it was a deadlock victim. */
    Optional<Long> cycleFormedNanos() {
        return !isWaiting() && victim ? Optional.of(cycleFormedNanos) : Optional.empty();
    }

    /**
     * Parks the calling thread, which must be the request's own, until the request is decided or
     * {@code timeoutNanos} have passed since {@code startNanos} (both System.nanoTime). Spurious
     * wake-ups are absorbed; the wait is not interruptible, and an interrupt is kept for the caller.
     *
     * @return whether it was decided; if not, the timeout passed
     */
    boolean awaitDecision(long startNanos, long timeoutNanos) {
        boolean interrupted = false;
        try {
            while (isWaiting()) {
                long remaining = timeoutNanos - (System.nanoTime() - startNanos);
                if (remaining <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, remaining);
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Wakes the waiting thread, unless that is the caller (who is not parked). */
    void wake() {
        if (thread != Thread.currentThread()) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public String toString() {
        return "LockRequest[owner " + owner.id() + ", " + entry.key + ", " + mode
            + (upgrade ? " (upgrade)" : "") + ", " + state + "]";
    }
}
