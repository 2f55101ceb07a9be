package io.concordkv.txn;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Timestamps from an in-process counter: 1, 2, 3, ... {@link #next}, {@link #advancePast} and
 * {@link #reset} must not run concurrently with one another: the MVCC store calls the first and the
 * last under its commit lock, as {@link TimestampSource} says, and {@link #advancePast} when it
 * opens, before any commit. So {@link #next} is a plain increment published with a release store,
 * with no atomic read-modify-write on a commit's path. {@link #last} may be called from any thread
 * at any time and never goes back but for a {@link #reset}.
 */
public final class LocalTimestampSource implements TimestampSource {
    private static final VarHandle LAST;

    static {
        try {
            LAST = MethodHandles.lookup().findVarHandle(LocalTimestampSource.class, "last", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long last;

    @Override
    public long next() {
        long next = (long) LAST.getOpaque(this) + 1;
        LAST.setRelease(this, next);
        return next;
    }

    @Override
    public long last() {
        return last;
    }

    @Override
    public void advancePast(long timestamp) {
        if (timestamp > last) {
            last = timestamp;
        }
    }

    @Override
    public void reset(long timestamp) {
        last = timestamp;
    }
}
