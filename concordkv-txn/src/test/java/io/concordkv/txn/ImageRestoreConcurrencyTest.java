package io.concordkv.txn;

import static io.concordkv.txn.ImageFixture.b;
import static io.concordkv.txn.ImageFixture.image;
import static io.concordkv.txn.ImageFixture.options;
import static io.concordkv.txn.ImageFixture.populate;
import static io.concordkv.txn.ImageFixture.restore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.ScanRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What readers, writers, transactions and change listeners of a store see while an image replaces its state. */
class ImageRestoreConcurrencyTest {
    private static final int OLD_KEYS = 5_000;
    private static final int NEW_KEYS = 6_000;
    /** The revision of the image: the source's puts of its NEW_KEYS keys on a new store. */
    private static final long IMAGE_REVISION = MvccStore.FIRST_REVISION + NEW_KEYS;

    @TempDir
    Path dir;

    /**
     * Which state a whole-range read saw, the writer's keys aside: "old", "new", or a description
     * of the mix. The writer's keys must be older than the read, and newer than the image in the
     * new state.
     */
    private static String stateOf(RangeResult r) {
        List<KeyVersion> data = r.kvs().stream().filter(kv -> !kv.key().toUtf8().startsWith("w")).toList();
        List<KeyVersion> written = r.kvs().stream().filter(kv -> kv.key().toUtf8().startsWith("w")).toList();
        boolean coherent = written.stream().allMatch(kv -> kv.modRevision() <= r.revision());
        boolean old = coherent && data.size() == OLD_KEYS
            && data.stream().allMatch(kv -> kv.key().toUtf8().startsWith("o") && kv.value().equals(b("old")));
        boolean fresh = coherent && data.size() == NEW_KEYS && r.revision() >= IMAGE_REVISION
            && data.stream().allMatch(kv -> kv.key().toUtf8().startsWith("n") && kv.value().equals(b("new")))
            && written.stream().allMatch(kv -> kv.modRevision() > IMAGE_REVISION);
        return old ? "old" : fresh ? "new" : "a mix of " + data.size() + " keys at revision " + r.revision();
    }

    /**
     * Readers see the old state or the new one, never a mix (the replacement takes several store
     * batches); a write that completed before the restore is gone, one begun after it is kept, and
     * the new state's revisions follow the image's without a gap.
     */
    @Test
    void readersSeeTheOldStateOrTheNewNeverAMixAndWritesLandOnOneSide() throws Exception {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore target = MvccStore.open(dir.resolve("target"), options("rbtree"))) {
            for (int i = 0; i < NEW_KEYS; i++) {
                source.put(b(String.format("n%05d", i)), b("new"));
            }
            for (int i = 0; i < OLD_KEYS; i++) {
                target.put(b(String.format("o%05d", i)), b("old"));
            }
            byte[] image = image(source);
            Map<String, Integer> seen = new ConcurrentHashMap<>();
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch reading = new CountDownLatch(3);
            List<CompletableFuture<Void>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(CompletableFuture.runAsync(() -> {
                    do {
                        seen.merge(stateOf(target.range(ScanRange.prefix(Bytes.EMPTY))), 1, Integer::sum);
                        reading.countDown();
                    } while (!done.get() || !seen.containsKey("new"));
                }));
            }
            List<long[]> writes = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; !done.get(); i++) {
                    long before = target.restores();
                    target.put(b("w" + i), b("x"));
                    writes.add(new long[] {i, before, target.restores()});
                }
            });
            assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
            restore(target, image);
            await().atMost(Duration.ofSeconds(30)).until(() -> writes.stream().anyMatch(w -> w[1] == 1));
            done.set(true);
            CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            writer.get(30, TimeUnit.SECONDS);

            assertThat(seen.keySet()).containsExactlyInAnyOrder("old", "new");
            List<KeyVersion> kept = target.range(ScanRange.prefix(b("w"))).kvs();
            for (long[] w : writes) {
                boolean there = kept.stream().anyMatch(kv -> kv.key().equals(b("w" + w[0])));
                if (w[2] == 0) {
                    assertThat(there).as("w%d completed before the restore", w[0]).isFalse();
                } else if (w[1] == 1) {
                    assertThat(there).as("w%d began after the restore", w[0]).isTrue();
                }
            }
            assertThat(kept.stream().map(KeyVersion::modRevision).sorted().toList())
                .as("revisions go on from the image's, without a gap")
                .isEqualTo(LongStream.rangeClosed(IMAGE_REVISION + 1, IMAGE_REVISION + kept.size()).boxed().toList());
            assertThat(target.currentRevision()).isEqualTo(IMAGE_REVISION + kept.size());
        }
    }

    @Test
    void openTransactionsAreAbortedAndOneWaitingForALockIsWoken() throws Exception {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore target = MvccStore.open(dir.resolve("target"), options("rbtree"))) {
            populate(source);
            target.put(b("k"), b("1"));
            TxnOptions locking = TxnOptions.of(Isolation.REPEATABLE_READ, ConcurrencyMode.PESSIMISTIC)
                .withLockWaitTimeout(Duration.ofSeconds(60)).withTimeout(Duration.ofSeconds(60));
            Transaction holder = target.begin(locking);
            holder.getForUpdate(b("k"));
            Transaction waiter = target.begin(locking);
            CompletableFuture<Optional<KeyVersion>> waiting = CompletableFuture.supplyAsync(() -> waiter.getForUpdate(b("k")));
            Transaction optimistic = target.begin(TxnOptions.of(Isolation.SERIALIZABLE, ConcurrencyMode.OPTIMISTIC));
            optimistic.put(b("k"), b("2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> target.stats().lockWaits() == 1);

            restore(target, image(source));

            assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(KvException.class)
                .cause().extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            for (Transaction txn : List.of(holder, waiter, optimistic)) {
                assertThat(txn.state()).isEqualTo(TxnState.ABORTED);
                assertThatThrownBy(txn::commit).isInstanceOf(KvException.class)
                    .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.TXN_NOT_ACTIVE);
            }
            assertThat(target.stats().activeTransactions()).isZero();
            try (Transaction after = target.begin(locking)) {
                assertThat(after.startRevision()).isEqualTo(13);
                assertThat(after.getForUpdate(b("k"))).as("the holder's lock was released").isEmpty();
                after.put(b("k"), b("3"));
                assertThat(after.commit()).isEqualTo(14);
            }
        }
    }

    @Test
    void listenersHearEveryOldCommitThenTheResetThenTheNewCommits() {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore target = MvccStore.open(dir.resolve("target"), options("rbtree"))) {
            populate(source);
            List<String> heard = new CopyOnWriteArrayList<>();
            target.addChangeListener(new ChangeListener() {
                @Override
                public void committed(long revision, List<ChangeEvent> changes) {
                    heard.add("commit " + revision);
                }

                @Override
                public void onReset(long revision) {
                    heard.add("reset " + revision + " at revision " + target.currentRevision()
                        + " reading " + target.get(b("c")).map(kv -> kv.value().toUtf8()).orElse("-"));
                }
            });
            for (int i = 0; i < 3; i++) {
                target.putAsync(b("x"), b("v" + i), 0);
            }
            restore(target, image(source));
            target.put(b("y"), b("1"));
            assertThat(heard).containsExactly("commit 2", "commit 3", "commit 4",
                "reset 13 at revision 13 reading c2", "commit 14");
        }
    }
}
