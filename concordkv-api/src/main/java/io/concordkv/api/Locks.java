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
}
