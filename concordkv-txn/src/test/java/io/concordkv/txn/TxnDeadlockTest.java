package io.concordkv.txn;

import static io.concordkv.txn.MvccStoreTest.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deadlocks between pessimistic transactions: each of {@code n} transactions locks its own key,
 * then asks for the next one's; the last request closes the cycle. Exactly one transaction — the
 * youngest — is aborted with {@code DEADLOCK}, the others commit, and the abort comes within
 * 50 ms of the cycle forming.
 */
class TxnDeadlockTest {
    @TempDir
    Path dir;

    private MvccStore store;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        store = MvccStore.open(dir, MvccStoreTest.options("hash"));
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        store.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void aCycleAbortsExactlyTheYoungestAndTheOthersCommit(int n) throws Exception {
        List<Transaction> txns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Transaction t = store.begin(TxnOptions.of(Isolation.SERIALIZABLE, ConcurrencyMode.PESSIMISTIC)
                .withLockWaitTimeout(Duration.ofSeconds(30)));
            t.put(key(i), b("mine-" + i));
            txns.add(t);
        }
        AtomicLong victimAbortedAt = new AtomicLong();
        List<CompletableFuture<ErrorCode>> outcomes = new ArrayList<>();
        long waitsBefore = store.stats().lockWaits();
        for (int i = 0; i < n - 1; i++) {
            outcomes.add(takeNext(txns.get(i), i, n, victimAbortedAt));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> store.stats().lockWaits() >= waitsBefore + n - 1);
        long cycleClosed = System.nanoTime();
        outcomes.add(takeNext(txns.get(n - 1), n - 1, n, victimAbortedAt));
        List<ErrorCode> codes = new ArrayList<>();
        for (CompletableFuture<ErrorCode> f : outcomes) {
            codes.add(f.get(10, TimeUnit.SECONDS));
        }
        assertThat(codes.stream().filter(c -> c == ErrorCode.DEADLOCK)).hasSize(1);
        assertThat(codes.get(n - 1)).as("the youngest transaction is the victim").isEqualTo(ErrorCode.DEADLOCK);
        assertThat(codes.subList(0, n - 1)).containsOnlyNulls();
        long detectionMs = TimeUnit.NANOSECONDS.toMillis(victimAbortedAt.get() - cycleClosed);
        System.out.println("deadlock of " + n + " detected and broken in " + detectionMs + " ms");
        assertThat(detectionMs).isLessThan(50);
        assertThat(store.stats().deadlocks()).isEqualTo(1);
        assertThat(store.get(key(0)).orElseThrow().value()).as("the victim's write is gone").isEqualTo(b("mine-0"));
        assertThat(store.get(key(n - 1)).orElseThrow().value()).isEqualTo(b("taken-by-" + (n - 2)));
    }

    private CompletableFuture<ErrorCode> takeNext(Transaction t, int i, int n, AtomicLong abortedAt) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                t.put(key((i + 1) % n), b("taken-by-" + i));
                t.commit();
                return null;
            } catch (KvException e) {
                abortedAt.set(System.nanoTime());
                return e.code();
            }
        }, pool);
    }

    @Test
    void anAbandonedTransactionTimesOutAndReleasesItsLocks() {
        Transaction abandoned = store.begin(TxnOptions.of(Isolation.READ_COMMITTED, ConcurrencyMode.PESSIMISTIC)
            .withTimeout(Duration.ofMillis(200)));
        abandoned.put(key(0), b("never"));
        try (Transaction next = store.begin(TxnOptions.of(Isolation.READ_COMMITTED, ConcurrencyMode.PESSIMISTIC)
            .withLockWaitTimeout(Duration.ofSeconds(10)))) {
            next.put(key(0), b("mine"));
            next.commit();
        }
        assertThat(abandoned.state()).isEqualTo(TxnState.ABORTED);
        assertThat(store.get(key(0)).orElseThrow().value()).isEqualTo(b("mine"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> abandoned.get(key(0)))
            .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.TXN_TIMEOUT);
        assertThat(store.stats().timeouts()).isEqualTo(1);
    }

    private static Bytes key(int i) {
        return b("lock-" + i);
    }
}
