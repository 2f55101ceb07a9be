package io.concordkv.txn.internal;

import io.concordkv.api.KvException;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;

/**
 * Keeps reads from seeing a store whose whole state is being replaced (an image restore): each
 * read sees the old state or the new one, never a mix. A read runs optimistically, writing no
 * shared memory (a sequence lock), and is run again under the read lock when a replacement
 * started meanwhile, whatever it returned or threw; a replacement holds the lock exclusively.
 * Writes of system records, which bypass the commit lock, hold it shared. After a replacement
 * failed half-way the gate is closed for good and everything fails with that error. Thread-safe.
 */
public final class ReadGate {
    private final StampedLock lock = new StampedLock();
    private volatile KvException failure;

    /** Runs {@code read} on one state of the store. */
    public <T> T read(Supplier<T> read) {
        checkUsable();
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                T result = read.get();
                if (lock.validate(stamp)) {
                    return result;
                }
            } catch (RuntimeException e) {
                if (lock.validate(stamp)) {
                    throw e;
                }
            }
        }
        return shared(read);
    }

    /** Runs {@code task} with replacements held off (it may block, a replacement waits for it). */
    public <T> T shared(Supplier<T> task) {
        long stamp = lock.readLock();
        try {
            checkUsable();
            return task.get();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Waits for running reads and holds new ones off; returns the stamp for {@link #reopen}. */
    public long close() {
        return lock.writeLock();
    }

    /** Lets reads in again after a replacement. */
    public void reopen(long stamp) {
        lock.unlockWrite(stamp);
    }

    /** Marks the store's state unusable: a replacement failed half-way. */
    public void fail(KvException reason) {
        failure = reason;
    }

    /** Throws the failure of a replacement that broke off, if one did. */
    public void checkUsable() {
        KvException f = failure;
        if (f != null) {
            throw new KvException(f.code(), f.getMessage(), f);
        }
    }
}
