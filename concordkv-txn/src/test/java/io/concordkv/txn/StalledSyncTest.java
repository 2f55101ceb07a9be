package io.concordkv.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.StoreOptions;
import io.concordkv.storage.fs.FaultyFileIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the {@code batch} policy a commit that finds the background fsync two windows behind
 * waits for it after it is applied. Commits made meanwhile must build on the newest version, not
 * on the waiting one (regression: the waiting commit's version stayed in the sequencer's in-flight
 * map, so the commit after the next one replaced a stale version and the one in between was lost
 * from history).
 */
class StalledSyncTest {
    @TempDir
    Path dir;

    private final FaultyFileIo disk = new FaultyFileIo();

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    @Test
    void commitsWhileAnotherWaitsForTheSyncerBuildOnTheNewestVersion() throws Exception {
        MvccOptions options = MvccOptions.defaults(StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.BATCH)
            .withIo(disk));
        try (MvccStore store = MvccStore.open(dir, options)) {
            disk.holdSyncs();
            AtomicReference<Bytes> lastKey = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    Bytes key = b(String.format("k%05d", i));
                    lastKey.set(key);
                    store.put(key, b("a"));
                }
            });
            try {
                writer.start();
                // the writer's commits fill windows until one finds the stalled fsync two behind
                await().atMost(Duration.ofSeconds(20)).until(() -> Arrays.stream(writer.getStackTrace())
                    .anyMatch(f -> f.getMethodName().equals("awaitWindowSync")));
                Bytes key = lastKey.get();
                assertThat(store.get(key).map(KeyVersion::value)).as("visible while its writer waits")
                    .contains(b("a"));
                long b = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> store.put(key, b("b")).revision());
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> store.put(key, b("d")));

                KeyVersion newest = store.get(key).orElseThrow();
                assertThat(newest.value()).isEqualTo(b("d"));
                assertThat(newest.version()).as("a, b, d: three versions").isEqualTo(3);
                assertThat(store.get(key, b).orElseThrow().value()).as("b in history").isEqualTo(b("b"));
            } finally {
                disk.releaseSyncs();
                writer.join(20_000);
            }
            assertThat(writer.isAlive()).isFalse();
        }
    }
}
