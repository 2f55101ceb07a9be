package io.concordkv.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread interrupt is the caller's business: a writer whose thread is interrupted (a cancelled
 * task, an executor shut down with {@code shutdownNow}) must neither fail the store for everyone
 * nor lose its write. Java closes a {@code FileChannel} for every user when a thread blocked in it
 * is interrupted; the store's files must not let that happen.
 */
class InterruptedWriterTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    @ParameterizedTest
    @EnumSource(value = FsyncPolicy.class, names = "OFF", mode = EnumSource.Mode.EXCLUDE)
    void anInterruptedWriterKeepsItsInterruptAndTheStoreKeepsWorking(FsyncPolicy policy) {
        StoreOptions options = StoreOptions.defaults("rbtree").withFsync(policy);
        try (KvStore store = KvStore.open(dir, options)) {
            for (int i = 0; i < 250; i++) {
                Thread.currentThread().interrupt();
                store.put(b("k" + i), b("v" + i));
                assertThat(Thread.interrupted()).as("interrupt flag kept after put %d", i).isTrue();
            }
            store.sync();
            store.put(b("after"), b("1"));
            assertThat(store.readOnlyReason()).isEmpty();
        }
        try (KvStore store = KvStore.open(dir, options)) {
            assertThat(store.get(b("k0"))).contains(b("v0"));
            assertThat(store.get(b("k249"))).contains(b("v249"));
            assertThat(store.get(b("after"))).contains(b("1"));
        }
    }

    /** Interrupts that come while the writer is inside the log's I/O, not only before it. */
    @ParameterizedTest
    @EnumSource(value = FsyncPolicy.class, names = "OFF", mode = EnumSource.Mode.EXCLUDE)
    void writesAcknowledgedWhileAnotherThreadKeepsInterruptingTheWriterAllSurvive(FsyncPolicy policy)
            throws Exception {
        StoreOptions options = StoreOptions.defaults("rbtree").withFsync(policy).withBatchSync(10, Duration.ofSeconds(5));
        int writes = 2_000;
        int[] acknowledged = {0};
        try (KvStore store = KvStore.open(dir, options)) {
            Thread writer = new Thread(() -> {
                for (int i = 0; i < writes; i++) {
                    Thread.interrupted();
                    store.put(b("k" + i), b("v" + i));
                    acknowledged[0] = i + 1;
                }
            });
            AtomicReference<Throwable> failure = new AtomicReference<>();
            writer.setUncaughtExceptionHandler((t, e) -> failure.set(e));
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (writer.isAlive() && System.nanoTime() < deadline) {
                writer.interrupt();
                // a pause so that an interrupt lands in the middle of the writer's I/O now and then,
                // as a cancel does, not in every attempt at it
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            writer.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(failure.get()).isNull();
            assertThat(acknowledged[0]).isEqualTo(writes);
            assertThat(store.readOnlyReason()).isEmpty();
        }
        try (KvStore store = KvStore.open(dir, options)) {
            for (int i = 0; i < writes; i++) {
                assertThat(store.get(b("k" + i))).as("k%d", i).contains(b("v" + i));
            }
        }
    }
}
