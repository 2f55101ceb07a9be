package io.concordkv.txn;

import java.util.concurrent.atomic.AtomicLong;

/** Timestamps from an in-process counter: 1, 2, 3, ... Thread-safe. */
public final class LocalTimestampSource implements TimestampSource {
    private final AtomicLong last = new AtomicLong();

    @Override
    public long next() {
        return last.incrementAndGet();
    }

    @Override
    public long last() {
        return last.get();
    }

    @Override
    public void advancePast(long timestamp) {
        last.accumulateAndGet(timestamp, Math::max);
    }

    @Override
    public void reset(long timestamp) {
        last.set(timestamp);
    }
}
