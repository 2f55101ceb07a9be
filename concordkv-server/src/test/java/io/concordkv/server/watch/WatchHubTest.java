package io.concordkv.server.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.ChangeEvent;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's promises: bounded queues, slow watchers caught up from history, cancellation past compaction. */
class WatchHubTest {
    private static final int CAPACITY = 16;

    @TempDir
    Path dir;
    MvccStore store;
    WatchHub hub;

    @BeforeEach
    void open() {
        store = MvccStore.open(dir, MvccOptions.defaults(StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.NEVER))
            .withRetainRevisions(0));
        hub = new WatchHub(store, CAPACITY);
    }

    @AfterEach
    void close() {
        hub.close();
        store.close();
    }

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private static List<Long> drain(Watcher w, List<Long> into) {
        for (ChangeEvent e : w.take(1000)) {
            into.add(e.revision());
        }
        return into;
    }

    @Test
    void aWatcherThatTakesNothingStallsNeitherWritersNorOtherWatchersAndCatchesUpLater() throws Exception {
        Watcher slow = hub.watch(WatchSpec.of(ScanRange.all()), () -> { });
        Watcher fast = hub.watch(WatchSpec.of(ScanRange.all()), () -> { });
        List<Long> fastSeen = new ArrayList<>();
        int writes = 2_000;
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < writes; i++) {
                store.put(b("k" + (i % 50)), b("v" + i));
            }
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
            .until(() -> drain(fast, fastSeen).size() == writes);
        writer.get(30, TimeUnit.SECONDS);
        assertThat(fastSeen).as("in order, none missing").isEqualTo(revisions(2, writes + 1));
        assertThat(slow.synced()).as("the slow one fell behind").isFalse();
        List<Long> slowSeen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
            .until(() -> drain(slow, slowSeen).size() == writes);
        assertThat(slowSeen).as("caught up from history, in order, none missing").isEqualTo(revisions(2, writes + 1));
        await().atMost(Duration.ofSeconds(10)).until(slow::synced);
    }

    private static List<Long> revisions(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long r = from; r <= to; r++) {
            out.add(r);
        }
        return out;
    }

    @Test
    void aWatcherLeftBehindPastTheCompactionPointIsCancelledWithIt() {
        Watcher slow = hub.watch(WatchSpec.of(ScanRange.all()), () -> { });
        for (int i = 0; i < 100; i++) {
            store.put(b("k" + (i % 10)), b("v" + i));
        }
        store.compact(60);
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.compactedAt().isPresent());
        assertThat(slow.compactedAt()).hasValue(60);
        assertThat(slow.take(1000)).as("nothing more is delivered").isEmpty();
        assertThat(hub.watchers()).isZero();
    }

    @Test
    void aWatcherStartingInThePastGetsTheHistoryThenLiveEventsFilteredAndPrefixed() {
        store.put(b("a/1"), b("x"));
        store.put(b("b/1"), b("x"));
        store.delete(b("a/1"));
        Watcher onlyDeletes = hub.watch(new WatchSpec(ScanRange.prefix(b("a/")), 1, true, true, false, false), () -> { });
        store.put(b("a/2"), b("y"));
        store.delete(b("a/2"));
        List<ChangeEvent> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            seen.addAll(onlyDeletes.take(100));
            return seen.size() == 2;
        });
        assertThat(seen).allMatch(ChangeEvent::deleted).extracting(e -> e.kv().key().toUtf8())
            .containsExactly("a/1", "a/2");
        assertThat(seen.get(0).previous()).hasValueSatisfying(p -> assertThat(p.value()).isEqualTo(b("x")));
    }
}
