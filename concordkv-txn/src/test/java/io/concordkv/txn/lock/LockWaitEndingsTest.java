package io.concordkv.txn.lock;

import static io.concordkv.txn.lock.LockMode.EXCLUSIVE;
import static io.concordkv.txn.lock.LockMode.SHARED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The ways a wait ends other than a grant: timeout, abort, withdrawal, close; and interrupts. */
class LockWaitEndingsTest extends LockTableFixture {

    @Test
    void zeroTimeoutFailsAtOnceWithoutQueueing() {
        LockOwner a = owner();
        LockOwner b = owner();
        table.acquire(a, A, EXCLUSIVE, Duration.ZERO);
        assertFails(ErrorCode.LOCK_TIMEOUT, () -> table.acquire(b, A, SHARED, Duration.ZERO));
        assertThat(table.stats().timeouts()).isEqualTo(1);
        assertThat(table.stats().waits()).isZero();
        table.releaseAll(a);
        table.releaseAll(b);
        assertTableEmpty();
    }

    @Test
    void shortTimeoutFailsAndLetsTheWaitersBehindItIn() throws Exception {
        LockOwner reader = owner();
        LockOwner writer = owner();
        LockOwner laterReader = owner();
        table.acquire(reader, A, SHARED, Duration.ZERO);
        long start = System.nanoTime();
        Future<Void> write = pool.submit(() -> {
            table.acquire(writer, A, EXCLUSIVE, Duration.ofMillis(100));
            return null;
        });
        awaitWaits(1);
        Future<Void> read = acquireAsync(laterReader, A, SHARED);
        awaitWaits(2);

        KvException timedOut = failureOf(write);
        assertThat(timedOut.code()).isEqualTo(ErrorCode.LOCK_TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertGranted(read);
        assertThat(table.stats().timeouts()).isEqualTo(1);

        table.releaseAll(writer);
        table.releaseAll(reader);
        table.releaseAll(laterReader);
        assertTableEmpty();
    }

    @Test
    void timedOutUpgradeKeepsTheSharedLock() {
        LockOwner a = owner();
        LockOwner b = owner();
        table.acquire(a, A, SHARED, Duration.ZERO);
        table.acquire(b, A, SHARED, Duration.ZERO);
        assertFails(ErrorCode.LOCK_TIMEOUT, () -> table.acquire(a, A, EXCLUSIVE, Duration.ofMillis(20)));
        assertThat(table.stats().locksHeld()).isEqualTo(2);
        assertFails(ErrorCode.LOCK_TIMEOUT, () -> table.acquire(owner(), A, EXCLUSIVE, Duration.ZERO));
        table.releaseAll(b);
        table.acquire(a, A, EXCLUSIVE, Duration.ZERO);
        table.releaseAll(a);
        assertTableEmpty();
    }

    @Test
    void abortWakesTheWaiterWithTheReasonAndBarsLaterAcquires() throws Exception {
        LockOwner holder = owner();
        LockOwner victim = owner();
        table.acquire(holder, A, EXCLUSIVE, Duration.ZERO);
        table.acquire(victim, B, EXCLUSIVE, Duration.ZERO);
        Future<Void> waiting = acquireAsync(victim, A, SHARED);
        awaitWaits(1);

        KvException reason = new KvException(ErrorCode.TXN_TIMEOUT, "transaction 2 ran past its timeout");
        table.abort(victim, reason);
        assertThat(failureOf(waiting)).isSameAs(reason);
        assertThat(table.waitingOwnerCount()).isZero();
        assertFails(ErrorCode.TXN_TIMEOUT, () -> table.acquire(victim, C, SHARED, Duration.ZERO));
        assertFails(ErrorCode.TXN_TIMEOUT, () -> table.acquire(victim, B, SHARED, Duration.ZERO));

        LockOwner other = owner();
        assertFails(ErrorCode.LOCK_TIMEOUT, () -> table.acquire(other, B, SHARED, Duration.ZERO));
        table.releaseAll(victim);
        table.acquire(other, B, SHARED, Duration.ZERO);
        table.releaseAll(other);
        table.releaseAll(holder);
        assertTableEmpty();
    }

    @Test
    void abortOfAnIdleOwnerOnlyBarsItsLaterAcquires() {
        LockOwner a = owner();
        table.acquire(a, A, SHARED, Duration.ZERO);
        table.abort(a, new KvException(ErrorCode.TXN_TIMEOUT, "late"));
        table.abort(a, new KvException(ErrorCode.CONFLICT, "ignored: the first reason sticks"));
        assertFails(ErrorCode.TXN_TIMEOUT, () -> table.acquire(a, B, SHARED, Duration.ofSeconds(1)));
        table.releaseAll(a);
        assertTableEmpty();
    }

    @Test
    void releaseAllFromAnotherThreadWithdrawsTheWaitingRequest() throws Exception {
        LockOwner holder = owner();
        LockOwner waiter = owner();
        LockOwner behind = owner();
        table.acquire(holder, A, SHARED, Duration.ZERO);
        Future<Void> write = acquireAsync(waiter, A, EXCLUSIVE);
        awaitWaits(1);
        Future<Void> read = acquireAsync(behind, A, SHARED);
        awaitWaits(2);

        table.releaseAll(waiter);
        assertThat(failureOf(write).code()).isEqualTo(ErrorCode.TXN_NOT_ACTIVE);
        assertGranted(read);
        table.releaseAll(holder);
        table.releaseAll(behind);
        assertTableEmpty();
    }

    @Test
    void closeWakesEveryWaiterWithClosedAndRefusesLaterAcquires() throws Exception {
        LockOwner holder = owner();
        LockOwner w1 = owner();
        LockOwner w2 = owner();
        table.acquire(holder, A, EXCLUSIVE, Duration.ZERO);
        table.acquire(holder, B, EXCLUSIVE, Duration.ZERO);
        Future<Void> first = acquireAsync(w1, A, SHARED);
        Future<Void> second = acquireAsync(w2, B, EXCLUSIVE);
        awaitWaits(2);

        table.close();
        assertThat(failureOf(first).code()).isEqualTo(ErrorCode.CLOSED);
        assertThat(failureOf(second).code()).isEqualTo(ErrorCode.CLOSED);
        assertFails(ErrorCode.CLOSED, () -> table.acquire(owner(), C, SHARED, Duration.ZERO));
        table.close();

        table.releaseAll(holder);
        assertTableEmpty();
    }

    @Test
    void interruptDoesNotEndTheWaitAndIsKept() throws Exception {
        LockOwner holder = owner();
        LockOwner waiter = owner();
        table.acquire(holder, A, EXCLUSIVE, Duration.ZERO);
        CompletableFuture<Boolean> interruptedAfterGrant = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                table.acquire(waiter, A, EXCLUSIVE, LONG);
                interruptedAfterGrant.complete(Thread.currentThread().isInterrupted());
            } catch (RuntimeException e) {
                interruptedAfterGrant.completeExceptionally(e);
            }
        }, "lock-waiter");
        thread.start();
        awaitWaits(1);
        thread.interrupt();
        await().atMost(Duration.ofSeconds(5)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
        assertThat(interruptedAfterGrant).isNotDone();

        table.releaseAll(holder);
        assertThat(interruptedAfterGrant.get(10, TimeUnit.SECONDS)).isTrue();
        thread.join();
        table.releaseAll(waiter);
        assertTableEmpty();
    }

    @Test
    void negativeTimeoutIsRejected() {
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> table.acquire(owner(), A, SHARED, Duration.ofMillis(-1)));
        assertTableEmpty();
    }

    @Test
    void optionsAreValidated() {
        assertThat(LockTableOptions.defaults())
            .isEqualTo(new LockTableOptions(64, Duration.ofMillis(100)));
        for (int stripes : new int[] {0, -4, 3, 96}) {
            assertFails(ErrorCode.INVALID_ARGUMENT, () -> LockTableOptions.defaults().withStripes(stripes));
        }
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> LockTableOptions.defaults().withDeadlockCheckInterval(Duration.ZERO));
        assertFails(ErrorCode.INVALID_ARGUMENT,
            () -> LockTableOptions.defaults().withDeadlockCheckInterval(Duration.ofMillis(-5)));
        assertThat(LockTableOptions.defaults().withStripes(1).stripes()).isEqualTo(1);
    }

    @Test
    void oneStripeTableStillLocksKeysIndependently() {
        try (StripedLockTable single = new StripedLockTable(LockTableOptions.defaults().withStripes(1))) {
            LockOwner a = owner();
            LockOwner b = owner();
            single.acquire(a, A, EXCLUSIVE, Duration.ZERO);
            single.acquire(b, B, EXCLUSIVE, Duration.ZERO);
            assertFails(ErrorCode.LOCK_TIMEOUT, () -> single.acquire(b, A, SHARED, Duration.ZERO));
            single.releaseAll(a);
            single.releaseAll(b);
            assertThat(single.entryCount()).isZero();
        }
    }

    @Test
    void detectorRunsOnANamedDaemonThreadThatCloseStops() {
        Set<Thread> before = detectorThreads();
        StripedLockTable another = new StripedLockTable(LockTableOptions.defaults());
        Set<Thread> started = detectorThreads();
        started.removeAll(before);
        assertThat(started).hasSize(1);
        Thread detector = started.iterator().next();
        assertThat(detector.isDaemon()).isTrue();

        another.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !detector.isAlive());
    }

    private static Set<Thread> detectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("concordkv-deadlock-detector"))
            .collect(Collectors.toSet());
    }
}
