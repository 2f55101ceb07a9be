package io.concordkv.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import org.junit.jupiter.api.Test;

class LocksTest {
    @Test
    void takesAFreeLock() {
        ReentrantLock lock = new ReentrantLock();
        Locks.lockSpinning(lock);
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        lock.unlock();
    }

    @Test
    void waitsPastItsSpinsForALockHeldLonger() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            Locks.lockSpinning(lock);
            acquired.countDown();
            lock.unlock();
        });
        waiter.start();
        // the waiter spins, then parks in lock(): it must not get the lock while we hold it
        assertThat(acquired.await(50, TimeUnit.MILLISECONDS)).isFalse();
        lock.unlock();
        assertThat(acquired.await(10, TimeUnit.SECONDS)).isTrue();
        waiter.join();
    }

    @Test
    void takesAFreeWriteLock() {
        StampedLock lock = new StampedLock();
        long stamp = Locks.writeLockSpinning(lock);
        assertThat(lock.isWriteLocked()).isTrue();
        assertThat(StampedLock.isWriteLockStamp(stamp)).isTrue();
        lock.unlockWrite(stamp);
        assertThat(lock.isWriteLocked()).isFalse();
    }

    @Test
    void waitsPastItsSpinsForAWriteLockHeldLongerAndForReaders() throws Exception {
        StampedLock lock = new StampedLock();
        long held = lock.writeLock();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            long stamp = Locks.writeLockSpinning(lock);
            acquired.countDown();
            lock.unlockWrite(stamp);
        });
        waiter.start();
        // the waiter spins, then parks in writeLock(): it must not get the lock while we hold it
        assertThat(acquired.await(50, TimeUnit.MILLISECONDS)).isFalse();
        long read = lock.tryConvertToReadLock(held);
        assertThat(acquired.await(50, TimeUnit.MILLISECONDS)).as("nor while a reader holds it").isFalse();
        lock.unlockRead(read);
        assertThat(acquired.await(10, TimeUnit.SECONDS)).isTrue();
        waiter.join();
    }
}
