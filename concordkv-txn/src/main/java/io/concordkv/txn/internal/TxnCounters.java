package io.concordkv.txn.internal;

import io.concordkv.api.ErrorCode;
import java.util.concurrent.atomic.LongAdder;

/** Transaction outcome counters of one store. Thread-safe. */
public final class TxnCounters {
    public final LongAdder begun = new LongAdder();
    public final LongAdder commits = new LongAdder();
    public final LongAdder rollbacks = new LongAdder();
    public final LongAdder conflicts = new LongAdder();
    public final LongAdder deadlocks = new LongAdder();
    public final LongAdder lockTimeouts = new LongAdder();
    public final LongAdder timeouts = new LongAdder();

    void aborted(ErrorCode code) {
        switch (code) {
            case CONFLICT -> conflicts.increment();
            case DEADLOCK -> deadlocks.increment();
            case LOCK_TIMEOUT -> lockTimeouts.increment();
            case TXN_TIMEOUT -> timeouts.increment();
            default -> { }
        }
    }
}
