package io.concordkv.txn.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A table per test, a thread pool for the owners that must wait, and helpers to wait for a
 * request to be queued (by the table's wait counter, never by sleeping) and to read how a
 * background acquire ended.
 */
abstract class LockTableFixture {
    static final Duration LONG = Duration.ofSeconds(20);
    static final Bytes A = Bytes.utf8("a");
    static final Bytes B = Bytes.utf8("b");
    static final Bytes C = Bytes.utf8("c");

    final ExecutorService pool = Executors.newCachedThreadPool();
    StripedLockTable table;
    private long nextId;

    @BeforeEach
    void openTable() {
        table = new StripedLockTable(LockTableOptions.defaults());
    }

    @AfterEach
    void closeTable() throws InterruptedException {
        table.close();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("test threads stopped").isTrue();
    }

    /** A new owner, younger than every one before it. */
    LockOwner owner() {
        return new LockOwner(++nextId);
    }

    /** Acquires on a pool thread with a long timeout. */
    Future<Void> acquireAsync(LockOwner owner, Bytes key, LockMode mode) {
        return pool.submit(() -> {
            table.acquire(owner, key, mode, LONG);
            return null;
        });
    }

    /** Waits until {@code count} requests in all have been queued since the table opened. */
    void awaitWaits(long count) {
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
            .until(() -> table.stats().waits() >= count);
    }

    /** Waits for {@code future} to complete normally. */
    static void assertGranted(Future<?> future) throws Exception {
        future.get(10, TimeUnit.SECONDS);
    }

    /** Waits for {@code future} to fail and returns its {@link KvException}. */
    static KvException failureOf(Future<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(KvException.class);
            return (KvException) e.getCause();
        }
        throw new AssertionError("expected the acquire to fail, it was granted");
    }

    /** Asserts that {@code call} throws a {@link KvException} with {@code code}, and returns it. */
    static KvException assertFails(ErrorCode code, ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(KvException.class);
        KvException e = (KvException) thrown;
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }

    /** Asserts that nothing is left in the table: no entry, no waiting owner, no lock held. */
    void assertTableEmpty() {
        assertThat(table.entryCount()).as("lock entries").isZero();
        assertThat(table.waitingOwnerCount()).as("owners in the wait-for graph").isZero();
        assertThat(table.stats().locksHeld()).as("locks held").isZero();
    }
}
