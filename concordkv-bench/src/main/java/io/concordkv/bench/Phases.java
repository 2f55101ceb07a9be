package io.concordkv.bench;

import java.util.concurrent.locks.LockSupport;

/** The timeline of a timed load: waiting for the end of its warm-up. Stateless. */
final class Phases {
    private Phases() {
    }

    /** Returns once {@link System#nanoTime()} has reached {@code nanoTime}. */
    static void waitUntil(long nanoTime) throws InterruptedException {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
