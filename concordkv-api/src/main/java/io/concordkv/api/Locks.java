package io.concordkv.api;

import java.util.concurrent.locks.ReentrantLock;

/** Lock helpers the storage and transaction layers share. */
public final class Locks {
    /** Attempts {@link #lockSpinning} makes before it parks: a few microseconds. */
    static final int SPINS = 200;

    private Locks() {
    }

    /**
     * Takes {@code lock}, first trying for a few microseconds without parking. For a lock held a
     * microsecond or so at a time by a few busy threads: a thread that parks on it, and the one that
     * must wake it, pay a futex call each, several times the wait, and two threads on two cores
     * were then slower together than one alone. Uninterruptible, as {@link ReentrantLock#lock}.
     */
    public static void lockSpinning(ReentrantLock lock) {
        for (int i = 0; i < SPINS; i++) {
            if (lock.tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        lock.lock();
    }

    /**
     * Takes {@code lock}'s write side, first trying for a few microseconds without parking: a
     * {@link java.util.concurrent.locks.StampedLock} parks a writer that finds it held almost at
     * once, and for a lock held a few microseconds at a time the park, and the unpark its holder
     * must then do, cost both threads several times the wait.
     */
    public static long writeLockSpinning(java.util.concurrent.locks.StampedLock lock) {
        for (int i = 0; i < SPINS; i++) {
            long stamp = lock.tryWriteLock();
            if (stamp != 0L) {
                return stamp;
            }
            Thread.onSpinWait();
        }
        return lock.writeLock();
    }
}
