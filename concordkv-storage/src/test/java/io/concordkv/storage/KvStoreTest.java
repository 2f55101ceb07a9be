package io.concordkv.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FaultyFileIo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class KvStoreTest {
    @TempDir
    Path dir;

    private final FaultyFileIo disk = new FaultyFileIo();
    private final MutableClock clock = new MutableClock();

    private StoreOptions options(String engine, FsyncPolicy policy) {
        return StoreOptions.defaults(engine).withFsync(policy).withIo(disk).withClock(clock)
            .withBatchSync(100, Duration.ofSeconds(5));
    }

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"array", "rbtree", "hash", "lsm"})
    void contentsSurviveCloseAndReopen(String engine) {
        try (KvStore store = KvStore.open(dir, options(engine, FsyncPolicy.BATCH))) {
            for (int i = 0; i < 300; i++) {
                store.put(b("k" + i), b("v" + i));
            }
            store.delete(b("k7"));
            store.write(WriteBatch.builder().put(b("a"), b("1")).delete(b("k8")).put(b("k9"), b("nine")).build());
        }
        try (KvStore store = KvStore.open(dir, options(engine, FsyncPolicy.BATCH))) {
            assertThat(store.get(b("k0"))).contains(b("v0"));
            assertThat(store.get(b("k7"))).isEmpty();
            assertThat(store.get(b("k8"))).isEmpty();
            assertThat(store.get(b("k9"))).contains(b("nine"));
            assertThat(store.get(b("a"))).contains(b("1"));
            assertThat(store.scan(ScanRange.prefix(b("k")))).hasSize(298);
            assertThat(store.recoveryReport().clean()).isTrue();
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() {
        try (KvStore store = KvStore.open(dir, options("hash", FsyncPolicy.BATCH))) {
            store.put(b("k"), b("v"));
            assertThatThrownBy(() -> KvStore.open(dir, options("hash", FsyncPolicy.BATCH)))
                .isInstanceOfSatisfying(KvException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
                    assertThat(e.getMessage()).contains(dir.toString());
                });
        }
        try (KvStore again = KvStore.open(dir, options("hash", FsyncPolicy.BATCH))) {
            assertThat(again.get(b("k"))).contains(b("v"));
        }
    }

    @Test
    void alwaysLosesNothingAcknowledgedInACrash() throws IOException {
        KvStore store = KvStore.open(dir, options("rbtree", FsyncPolicy.ALWAYS));
        for (int i = 0; i < 200; i++) {
            store.put(b("k" + i), b("v" + i));
        }
        disk.crash();
        try (KvStore reopened = KvStore.open(dir, options("rbtree", FsyncPolicy.ALWAYS))) {
            assertThat(reopened.scan(ScanRange.all())).hasSize(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALWAYS", "BATCH", "NEVER"})
    void submittedBatchesApplyInSubmissionOrderWhicheverTicketIsAwaitedFirst(FsyncPolicy policy) {
        try (KvStore store = KvStore.open(dir, options("rbtree", policy))) {
            WriteTicket first = store.submit(WriteBatch.builder().put(b("k"), Bytes.utf8("first")).build());
            WriteTicket second = store.submit(WriteBatch.builder().put(b("k"), Bytes.utf8("second")).build());
            second.await();
            first.await();
            assertThat(store.get(b("k"))).contains(Bytes.utf8("second"));
        }
        try (KvStore reopened = KvStore.open(dir, options("rbtree", policy))) {
            assertThat(reopened.get(b("k"))).contains(Bytes.utf8("second"));
        }
    }

    /**
     * Writers that ask to be called back instead of waiting: every callback comes, nobody is left
     * queued without a leader, fsyncs are shared, and the order is the submission order.
     */
    @Test
    void callbackWritersAreAllCompletedWithSharedFsyncsAndNoWaitingThreads() throws Exception {
        int threads = 8;
        int perThread = 300;
        try (KvStore store = KvStore.open(dir, options("rbtree", FsyncPolicy.ALWAYS))) {
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(threads * perThread);
            java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            store.submit(WriteBatch.builder().put(b(thread + "/k"), b(Integer.toString(i))).build())
                                .whenDone(e -> {
                                    if (e != null) {
                                        failures.incrementAndGet();
                                    }
                                    done.countDown();
                                });
                        }
                    });
                }
                assertThat(done.await(60, TimeUnit.SECONDS)).as("every callback came").isTrue();
            } finally {
                pool.shutdownNow();
            }
            assertThat(failures).hasValue(0);
            for (int t = 0; t < threads; t++) {
                assertThat(store.get(b(t + "/k"))).as("last submitted wins").contains(b(Integer.toString(perThread - 1)));
            }
            StoreStats stats = store.stats();
            assertThat(stats.syncedOps()).isEqualTo(threads * perThread);
            assertThat(stats.syncs()).isLessThan(threads * perThread);
        }
    }

    @Test
    void batchLosesAtMostTheOperationsSinceTheLastSync() throws IOException {
        KvStore store = KvStore.open(dir, options("rbtree", FsyncPolicy.BATCH));
        for (int i = 0; i < 250; i++) {
            store.put(b(String.format("k%04d", i)), b("v"));
        }
        // the two completed windows are fsynced in the background (perhaps by one fsync)
        await().atMost(Duration.ofSeconds(10)).until(() -> store.stats().syncedOps() == 200);
        disk.crash();
        try (KvStore reopened = KvStore.open(dir, options("rbtree", FsyncPolicy.BATCH))) {
            List<KeyValue> left = reopened.scan(ScanRange.all());
            assertThat(left).hasSize(200);
            assertThat(left.get(199).key()).isEqualTo(b("k0199"));
        }
    }

    @Test
    void batchWaitsForAStalledDiskOnlyPastTwoWindowsAndOnlyInTheTicket() throws Exception {
        try (KvStore store = KvStore.open(dir, options("rbtree", FsyncPolicy.BATCH))) {
            disk.holdSyncs();
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                    // window 1 goes to the syncer, whose fsync stalls; window 2 waits behind it
                    for (int i = 0; i < 299; i++) {
                        store.put(b(String.format("k%04d", i)), b("v"));
                    }
                });
                // the 300th write completes a third window: three unsynced, over the bound of two
                WriteTicket third = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> store.submit(WriteBatch.builder().put(b("k0299"), b("v")).build()));
                assertThat(store.get(b("k0299"))).as("applied before its ticket waits").contains(b("v"));
                CountDownLatch acknowledged = new CountDownLatch(1);
                Thread waiter = new Thread(() -> {
                    third.await();
                    acknowledged.countDown();
                });
                waiter.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.WAITING);
                assertThat(acknowledged.getCount()).as("not acknowledged while the disk stalls").isEqualTo(1);
                disk.releaseSyncs();
                assertThat(acknowledged.await(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                disk.releaseSyncs();
            }
        }
    }

    @Test
    void batchSyncsOnceTheIntervalHasPassed() {
        try (KvStore store = KvStore.open(dir, options("hash", FsyncPolicy.BATCH))) {
            store.put(b("k"), b("v"));
            assertThat(store.stats().syncs()).isZero();
            clock.advance(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).until(() -> store.stats().syncs() == 1);
        }
    }

    @Test
    void neverKeepsAConsistentPrefixAfterACrash() throws IOException {
        KvStore store = KvStore.open(dir, options("array", FsyncPolicy.NEVER));
        for (int i = 0; i < 100; i++) {
            store.put(b(String.format("k%04d", i)), b("v"));
        }
        disk.crash();
        try (KvStore reopened = KvStore.open(dir, options("array", FsyncPolicy.NEVER))) {
            List<KeyValue> left = reopened.scan(ScanRange.all());
            for (int i = 0; i < left.size(); i++) {
                assertThat(left.get(i).key()).isEqualTo(b(String.format("k%04d", i)));
            }
        }
    }

    /**
     * A writer that finds the log held (here by a sync stalled on the disk) encodes its batch while
     * it waits and copies it in once it has the log; one that finds it free encodes into the log's
     * buffer. Both records read back the same after a crash.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hash", "rbtree"})
    void aWriterThatWaitsForTheLogLogsTheSameRecord(String engine) throws Exception {
        KvStore store = KvStore.open(dir, options(engine, FsyncPolicy.NEVER));
        store.put(b("free"), b("in place"));
        disk.holdSyncs();
        Thread syncer = new Thread(store::sync);
        Thread writer = new Thread(() -> store.write(WriteBatch.builder().put(b("waited"), b("copied in"))
            .delete(b("free")).put(b("free"), b("again")).build()));
        try {
            syncer.start();
            // stalled in the held fsync, which it runs holding the log (not waiting for the log itself)
            String stalledDisk = FaultyFileIo.class.getName();
            await().atMost(Duration.ofSeconds(10)).until(() -> syncer.getState() == Thread.State.WAITING
                && java.util.Arrays.stream(syncer.getStackTrace()).anyMatch(f -> f.getClassName().startsWith(stalledDisk)));
            writer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.getState() == Thread.State.WAITING);
            assertThat(store.get(b("waited"))).as("not applied while the log is held").isEmpty();
        } finally {
            disk.releaseSyncs();
        }
        syncer.join(30_000);
        writer.join(30_000);
        assertThat(store.get(b("waited"))).contains(b("copied in"));
        store.sync();
        disk.crash();
        try (KvStore reopened = KvStore.open(dir, options(engine, FsyncPolicy.NEVER))) {
            assertThat(reopened.scan(ScanRange.all())).containsExactly(new KeyValue(b("free"), b("again")),
                new KeyValue(b("waited"), b("copied in")));
        }
    }

    @ParameterizedTest
    @EnumSource(value = FsyncPolicy.class, names = {"BATCH", "NEVER"})
    void syncMakesEveryAppliedWriteSurviveACrashWhateverThePolicy(FsyncPolicy policy) throws IOException {
        KvStore store = KvStore.open(dir, options("rbtree", policy));
        for (int i = 0; i < 30; i++) {
            store.put(b(String.format("k%04d", i)), b("v"));
        }
        store.sync();
        disk.crash();
        try (KvStore reopened = KvStore.open(dir, options("rbtree", policy))) {
            assertThat(reopened.scan(ScanRange.all())).hasSize(30);
        }
    }

    @Test
    void failedFsyncTurnsTheStoreReadOnlyAndSaysWhy() {
        try (KvStore store = KvStore.open(dir, options("hash", FsyncPolicy.ALWAYS))) {
            store.put(b("before"), b("1"));
            disk.failSyncs(true);
            assertThatThrownBy(() -> store.put(b("during"), b("2")))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR));
            disk.failSyncs(false);
            assertThatThrownBy(() -> store.put(b("after"), b("3")))
                .isInstanceOfSatisfying(KvException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
                    assertThat(e.getMessage()).contains("read-only").contains("fsync");
                });
            assertThat(store.readOnlyReason()).hasValueSatisfying(r -> assertThat(r).contains("fsync"));
            assertThat(store.get(b("before"))).contains(b("1"));
            assertThat(store.get(b("during"))).isEmpty();
        }
    }

    @Test
    void fullDiskTurnsTheStoreReadOnly() {
        try (KvStore store = KvStore.open(dir, options("rbtree", FsyncPolicy.ALWAYS))) {
            store.put(b("k"), b("v"));
            disk.diskFullAfter(50);
            assertThatThrownBy(() -> store.put(b("big"), Bytes.wrap(new byte[100])))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.getMessage()).contains("No space"));
            disk.diskFullAfter(Long.MAX_VALUE);
            assertThat(store.readOnlyReason()).isPresent();
            assertThat(store.get(b("big"))).isEmpty();
        }
    }

    @Test
    void underBatchAFullDiskSurfacesAtTheNextSync() {
        try (KvStore store = KvStore.open(dir, options("hash", FsyncPolicy.BATCH))) {
            disk.diskFullAfter(50);
            for (int i = 0; i < 99; i++) {
                store.put(b("k" + i), b("v"));
            }
            assertThatThrownBy(() -> store.put(b("k99"), b("v")))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.getMessage()).contains("No space"));
            disk.diskFullAfter(Long.MAX_VALUE);
            assertThat(store.readOnlyReason()).isPresent();
        }
    }

    @Test
    void tornTailIsRepairedOnOpenAndReported() throws IOException {
        try (KvStore store = KvStore.open(dir, options("rbtree", FsyncPolicy.ALWAYS))) {
            for (int i = 0; i < 10; i++) {
                store.put(b("k" + i), b("v" + i));
            }
        }
        Path segment;
        try (var files = Files.list(dir.resolve("wal"))) {
            segment = files.filter(p -> p.toString().endsWith(".wal")).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(f.length() - 2);
        }
        try (KvStore store = KvStore.open(dir, options("rbtree", FsyncPolicy.ALWAYS))) {
            assertThat(store.recoveryReport().events()).singleElement().asString().contains("torn write");
            assertThat(store.scan(ScanRange.all())).hasSize(9);
        }
    }

    @Test
    void invalidWritesAreRejectedBeforeTheyReachTheLog() {
        try (KvStore store = KvStore.open(dir, options("hash", FsyncPolicy.ALWAYS))) {
            assertThatThrownBy(() -> store.put(Bytes.EMPTY, b("v"))).isInstanceOf(KvException.class);
            assertThatThrownBy(() -> store.write(WriteBatch.builder().put(b("ok"), b("v"))
                .put(b("k"), Bytes.wrap(new byte[EngineLimits.DEFAULT_MAX_VALUE_BYTES + 1])).build()))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALUE_TOO_LARGE));
            assertThat(store.stats().logRecords()).isZero();
        }
    }

    @Test
    void concurrentWritersShareFsyncs() throws Exception {
        int threads = 8;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (KvStore store = KvStore.open(dir, options("hash", FsyncPolicy.ALWAYS))) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.put(b(thread + "/" + i), b("v"));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            StoreStats stats = store.stats();
            assertThat(stats.keys()).isEqualTo(threads * perThread);
            assertThat(stats.syncedOps()).isEqualTo(threads * perThread);
            assertThat(stats.syncs()).isLessThan(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code inner}, naming as dependent every put whose value is {@code ref:K} (on key K). */
    private static StorageEngine withRefs(StorageEngine inner) {
        return new StorageEngine() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public boolean isOrdered() {
                return inner.isOrdered();
            }

            @Override
            public java.util.Optional<Bytes> get(Bytes key) {
                return inner.get(key);
            }

            @Override
            public void put(Bytes key, Bytes value) {
                inner.put(key, value);
            }

            @Override
            public void delete(Bytes key) {
                inner.delete(key);
            }

            @Override
            public void write(WriteBatch batch) {
                inner.write(batch);
            }

            @Override
            public List<KeyValue> scan(ScanRange range) {
                return inner.scan(range);
            }

            @Override
            public EngineStats stats() {
                return inner.stats();
            }

            @Override
            public void close() {
                inner.close();
            }

            @Override
            public LogDependencies logDependencies() {
                return (payload, off, len, valueOff, valueLen) -> {
                    String v = new String(payload, valueOff, valueLen, java.nio.charset.StandardCharsets.UTF_8);
                    return v.startsWith("ref:") ? v.substring(4).getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        : null;
                };
            }
        };
    }

    @Test
    void compactionKeepsWhatTheEnginesDependentRecordsNeedAndAPlainStoreRefusesToRewriteSuchALog() {
        StoreOptions opts = options("rbtree", FsyncPolicy.NEVER).withCompactionTrigger(1_000_000, 1 << 30);
        try (KvStore store = KvStore.open(dir, opts, KvStoreTest::withRefs)) {
            store.put(b("a"), b("a1"));
            store.write(WriteBatch.builder().put(b("h1"), b("ref:a")).put(b("a"), b("a2")).build());
            store.put(b("a"), b("a3"));
            assertThat(store.compact().recordsAfter()).as("a1 stays for h1").isEqualTo(3);
        }
        assertThat(dir.resolve("LOG_DEPENDENCIES")).exists();

        StoreOptions small = opts.withCompactionTrigger(10, 1 << 30);
        try (KvStore plain = KvStore.open(dir, small)) {
            assertThat(plain.get(b("a"))).contains(b("a3"));
            for (int i = 0; i < 50; i++) {
                plain.put(b("x"), b("x" + i));
            }
            for (ThrowingCallable rewrite : List.<ThrowingCallable>of(plain::compact, plain::snapshot)) {
                assertThatThrownBy(rewrite).isInstanceOfSatisfying(KvException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
                    assertThat(e).hasMessageContaining("MVCC store");
                });
            }
            assertThat(plain.stats().compactions()).as("no background compaction either").isZero();
            assertThat(plain.stats().logRecords()).isEqualTo(53);
        }
        try (KvStore store = KvStore.open(dir, opts, KvStoreTest::withRefs)) {
            assertThat(store.compact().recordsAfter()).as("the dependent store compacts it: a1, h1, a3, x49")
                .isEqualTo(4);
            assertThat(store.get(b("h1"))).contains(b("ref:a"));
            assertThat(store.get(b("x"))).contains(b("x49"));
        }
    }

    @Test
    void backgroundCompactionKeepsTheLatestStateAndSavesSpace() {
        StoreOptions opts = options("rbtree", FsyncPolicy.NEVER).withSegmentBytes(4096)
            .withCompactionTrigger(200, 1 << 30);
        try (KvStore store = KvStore.open(dir, opts)) {
            for (int i = 0; i < 2000; i++) {
                store.put(b("key" + (i % 20)), b("value-" + i));
            }
            store.delete(b("key3"));
            await().atMost(Duration.ofSeconds(30)).until(() -> store.stats().compactions() >= 1);
            store.compact();
            StoreStats stats = store.stats();
            assertThat(stats.compactionBytesSaved()).isPositive();
            assertThat(stats.logRecords()).isLessThan(200);
        }
        try (KvStore store = KvStore.open(dir, opts)) {
            List<KeyValue> all = store.scan(ScanRange.all());
            assertThat(all).hasSize(19);
            assertThat(store.get(b("key19"))).contains(b("value-1999"));
            assertThat(store.get(b("key3"))).isEmpty();
        }
    }

    @Test
    void withFsyncOffAnInMemoryEngineKeepsNoLogAndItsDataDiesWithTheStore() {
        try (KvStore store = KvStore.open(dir, options("rbtree", FsyncPolicy.OFF))) {
            store.put(b("k"), b("v"));
            assertThat(store.get(b("k"))).contains(b("v"));
            assertThat(java.nio.file.Files.exists(dir.resolve("wal"))).as("no write-ahead log").isFalse();
        }
        try (KvStore store = KvStore.open(dir, options("rbtree", FsyncPolicy.OFF))) {
            assertThat(store.get(b("k"))).as("nothing survives: the store's owner (Raft) rebuilds it").isEmpty();
        }
    }
}
