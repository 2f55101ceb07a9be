package io.concordkv.server.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.lease.Lease;
import io.concordkv.server.lease.LeaseTable;
import io.concordkv.server.lease.LeaseWriter;
import io.concordkv.server.watch.WatchHub;
import io.concordkv.server.watch.WatchSpec;
import io.concordkv.server.watch.Watcher;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.ChangeEvent;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state machine restored from another member's snapshot serves that member's reads and leases
 * (the keys they hold, expiry restarted from now), and its watchers are cancelled as compacted.
 */
class KvStateMachineSnapshotTest {
    @TempDir
    Path dir;

    /** A member's state machine with what the server builds around it: lease table, follower, watch hub. */
    private static final class Member implements AutoCloseable {
        final AtomicLong millis = new AtomicLong(1_000_000);
        final MvccStore store;
        final LeaseTable leases;
        final WatchHub hub;
        final ExecutorService blocking = Executors.newCachedThreadPool();
        final KvStateMachine machine;

        Member(Path dir) {
            store = MvccStore.open(dir, MvccOptions.defaults(StoreOptions.defaults("rbtree")
                .withFsync(FsyncPolicy.NEVER)).withRetainRevisions(0));
            InstantSource clock = () -> Instant.ofEpochMilli(millis.get());
            leases = new LeaseTable(clock);
            leases.load(store.scanSystem(LeaseTable.PREFIX));
            LeaseWriter writer = new LeaseWriter(store, leases, new SplittableRandom(1), LeaseWriter.MAX_TTL_SECONDS);
            writer.attachExisting(store.addChangeListener((rev, changes) -> leases.follow(changes)));
            hub = new WatchHub(store, 64);
            machine = new KvStateMachine(store, leases, writer, blocking);
        }

        Object apply(WriteCommand c) {
            return machine.apply(c);
        }

        void put(String key, String value, long lease) {
            apply(new WriteCommand.Put(b(key), b(value), lease, false, false));
        }

        @Override
        public void close() {
            hub.close();
            blocking.shutdown();
            store.close();
        }
    }

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private static List<String> keys(MvccStore s) {
        return s.range(ScanRange.all()).kvs().stream().map(kv -> kv.key().toUtf8() + "=" + kv.value().toUtf8()
            + "@" + kv.modRevision() + "/" + kv.lease()).toList();
    }

    @Test
    void aRestoredSnapshotBringsReadsLeasesAndTheirKeysAndCancelsEveryWatcher() {
        try (Member leader = new Member(dir.resolve("leader")); Member follower = new Member(dir.resolve("follower"))) {
            leader.apply(new WriteCommand.LeaseGrant(100, 30));
            leader.apply(new WriteCommand.LeaseGrant(200, 60));
            leader.put("a", "a1", 100);
            leader.put("b", "b1", 200);
            leader.put("c", "c1", 0);
            leader.put("a", "a2", 100);
            leader.apply(new WriteCommand.DeleteRange(ScanRange.between(b("c"), b("d"))));
            leader.apply(new WriteCommand.Compact(4));
            leader.put("d", "d1", 200);

            follower.apply(new WriteCommand.LeaseGrant(100, 5));
            follower.apply(new WriteCommand.LeaseGrant(300, 10));
            follower.put("x", "x1", 300);
            follower.put("a", "mine", 100);
            Watcher live = follower.hub.watch(WatchSpec.of(ScanRange.all()), () -> { });
            Watcher fromPast = follower.hub.watch(new WatchSpec(ScanRange.prefix(b("a")), 1, true, false, false, false),
                () -> { });
            follower.millis.addAndGet(4_000);

            follower.machine.restore(leader.machine.snapshot());

            assertThat(keys(follower.store)).isEqualTo(keys(leader.store))
                .containsExactly("a=a2@5/100", "b=b1@3/200", "d=d1@7/200");
            assertThat(follower.store.currentRevision()).isEqualTo(7);
            assertThat(follower.store.compactedRevision()).isEqualTo(4);
            assertThat(follower.leases.ids()).containsExactly(100L, 200L);
            assertThat(follower.leases.describe(100, true)).as("the leader's TTL, restarted from now")
                .contains(new Lease(100, 30, 30, List.of(b("a"))));
            assertThat(follower.leases.describe(200, true)).contains(new Lease(200, 60, 60, List.of(b("b"), b("d"))));

            await().atMost(Duration.ofSeconds(10)).until(() -> live.compactedAt().isPresent()
                && fromPast.compactedAt().isPresent());
            assertThat(live.compactedAt()).hasValue(4);
            assertThat(fromPast.compactedAt()).hasValue(4);
            assertThat(live.take(100)).isEmpty();
            assertThat(follower.hub.watchers()).isZero();
            assertThat(follower.hub.revision()).isEqualTo(7);

            Watcher after = follower.hub.watch(WatchSpec.of(ScanRange.all()), () -> { });
            assertThat(follower.apply(new WriteCommand.LeaseRevoke(200)))
                .as("the revoke deletes the keys the restored lease holds, at the next revision")
                .isEqualTo(leader.apply(new WriteCommand.LeaseRevoke(200))).isEqualTo(8L);
            assertThat(keys(follower.store)).isEqualTo(keys(leader.store)).containsExactly("a=a2@5/100");
            assertThat(after.take(100)).extracting(ChangeEvent::revision).containsExactly(8L, 8L);

            follower.millis.addAndGet(29_000);
            assertThat(follower.leases.expired()).isEmpty();
            follower.millis.addAndGet(1_000);
            assertThat(follower.leases.expired()).containsExactly(100L);
        }
    }

    @Test
    void aDamagedSnapshotChangesNothingAndCancelsNoWatcher() {
        try (Member leader = new Member(dir.resolve("leader")); Member follower = new Member(dir.resolve("follower"))) {
            leader.apply(new WriteCommand.LeaseGrant(100, 30));
            leader.put("a", "a1", 100);
            follower.apply(new WriteCommand.LeaseGrant(300, 10));
            follower.put("x", "x1", 300);
            Watcher live = follower.hub.watch(WatchSpec.of(ScanRange.all()), () -> { });
            byte[] image = leader.machine.snapshot();
            image[image.length - 5] ^= 0x10;

            assertThatThrownBy(() -> follower.machine.restore(image)).isInstanceOf(KvException.class)
                .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.CORRUPTION);

            assertThat(keys(follower.store)).containsExactly("x=x1@2/300");
            assertThat(follower.leases.describe(300, true)).contains(new Lease(300, 10, 10, List.of(b("x"))));
            follower.put("y", "y1", 0);
            assertThat(live.compactedAt()).isEmpty();
            assertThat(live.take(100)).extracting(ChangeEvent::revision).containsExactly(3L);
        }
    }
}
