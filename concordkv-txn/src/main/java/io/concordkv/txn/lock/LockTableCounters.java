package io.concordkv.txn.lock;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link LockTableStats}. Thread-safe and lock-free: any thread may update
 * them, under any lock or none.
 */
final class LockTableCounters {
    private final LongAdder waits = new LongAdder();
    private final LongAdder deadlocks = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder locksHeld = new LongAdder();
    private final AtomicLong lastDetectionNanos = new AtomicLong();
    private final AtomicLong maxDetectionNanos = new AtomicLong();

    void waited() {
        waits.increment();
    }

    void deadlocks(int victims) {
        deadlocks.add(victims);
    }

    void timedOut() {
        timeouts.increment();
    }

    void locksTaken(int count) {
        locksHeld.add(count);
    }

    void locksReleased(int count) {
        locksHeld.add(-count);
    }

    /** Records how long a victim's deadlock took from forming to the victim waking up. */
    void detectionLatency(long nanos) {
        long latency = Math.max(0, nanos);
        lastDetectionNanos.set(latency);
        maxDetectionNanos.accumulateAndGet(latency, Math::max);
    }

    LockTableStats snapshot() {
        return new LockTableStats(waits.sum(), deadlocks.sum(), timeouts.sum(), locksHeld.sum(),
            lastDetectionNanos.get(), maxDetectionNanos.get());
    }
}
