package io.concordkv.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChangeFeedTest {
    @TempDir
    Path dir;

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private static String describe(ChangeEvent e) {
        return e.revision() + (e.deleted() ? " DEL " : " PUT ") + e.kv().key().toUtf8()
            + (e.deleted() ? "" : "=" + e.kv().value().toUtf8())
            + e.previous().map(p -> " prev=" + p.value().toUtf8()).orElse("");
    }

    private void writeSample(MvccStore store) {
        // on a new store, at revision 1
        store.put(b("a"), b("1"));                                   // 2
        store.put(b("b"), b("1"));                                   // 3
        store.put(b("a"), b("2"));                                   // 4
        store.delete(b("b"));                                        // 5
        store.txn(new TxnRequest(List.of(), List.of(TxnOp.Put.of(b("c"), b("1")),
            TxnOp.Put.of(b("a"), b("3"))), List.of()));              // 6
        store.put(b("zz"), b("1"));                                  // 7
    }

    @ParameterizedTest
    @ValueSource(strings = {"array", "rbtree", "hash", "lsm"})
    void changesReadBackTheHistoryInRevisionOrderWithPreviousVersions(String engine) {
        try (MvccStore store = MvccStore.open(dir, MvccStoreTest.options(engine))) {
            writeSample(store);
            List<String> all = store.changes(ScanRange.all(), 1, 7).stream().map(ChangeFeedTest::describe).toList();
            assertThat(all).containsExactly("2 PUT a=1", "3 PUT b=1", "4 PUT a=2 prev=1", "5 DEL b prev=1",
                "6 PUT a=3 prev=2", "6 PUT c=1", "7 PUT zz=1");
            List<String> someKeys = store.changes(ScanRange.between(b("a"), b("c")), 4, 6).stream()
                .map(ChangeFeedTest::describe).toList();
            assertThat(someKeys).containsExactly("4 PUT a=2 prev=1", "5 DEL b prev=1", "6 PUT a=3 prev=2");
            assertThat(store.changes(ScanRange.all(), 8, 7)).isEmpty();
            KeyVersion deleted = store.changes(ScanRange.prefix(b("b")), 5, 5).get(0).kv();
            assertThat(deleted).as("a delete event carries the key and the delete's revision only")
                .isEqualTo(new KeyVersion(b("b"), Bytes.EMPTY, 0, 5, 0, 0));
        }
    }

    @Test
    void listenersHearEveryLaterCommitInOrderWithTheSameEventsAsTheHistory() throws Exception {
        try (MvccStore store = MvccStore.open(dir, MvccStoreTest.options("rbtree"))) {
            store.put(b("before"), b("x"));
            List<String> heard = Collections.synchronizedList(new ArrayList<>());
            List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
            long from = store.addChangeListener((rev, changes) -> {
                revisions.add(rev);
                changes.forEach(e -> heard.add(describe(e)));
            });
            assertThat(from).isEqualTo(2);
            writeSample(store);
            assertThat(heard).containsExactlyElementsOf(
                store.changes(ScanRange.all(), 3, 8).stream().map(ChangeFeedTest::describe).toList());
            assertThat(revisions).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
            store.delete(b("absent"));
            assertThat(revisions).as("a commit that changes nothing has no revision and no event").hasSize(6);
        }
    }

    @Test
    void concurrentCommittersAreDeliveredInRevisionOrder() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        try (MvccStore store = MvccStore.open(dir, MvccOptions.defaults(StoreOptions.defaults("hash")
            .withFsync(FsyncPolicy.ALWAYS)).withRetainRevisions(0))) {
            List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
            store.addChangeListener((rev, changes) -> revisions.add(rev));
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int id = t;
                new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.put(b("k" + id + "-" + (i % 50)), b("v" + i));
                    }
                    done.countDown();
                }).start();
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            List<Long> expected = new ArrayList<>();
            for (long r = MvccStore.FIRST_REVISION + 1; r <= MvccStore.FIRST_REVISION + threads * perThread; r++) {
                expected.add(r);
            }
            assertThat(revisions).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void changesBelowTheCompactionPointFailWithCompacted() {
        try (MvccStore store = MvccStore.open(dir, MvccStoreTest.options("rbtree"))) {
            writeSample(store);
            store.compact(5);
            assertThatThrownBy(() -> store.changes(ScanRange.all(), 5, 7)).isInstanceOf(KvException.class)
                .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.COMPACTED);
            assertThat(store.changes(ScanRange.all(), 6, 7)).hasSize(3);
            assertThatThrownBy(() -> store.changes(ScanRange.all(), 6, 10)).isInstanceOf(KvException.class)
                .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.FUTURE_REVISION);
        }
    }

    @Test
    void systemRecordsAreDurableAndInvisibleToReads() {
        try (MvccStore store = MvccStore.open(dir, MvccStoreTest.options("rbtree"))) {
            store.putSystem(b("lease/1"), b("ttl=5"));
            store.putSystem(b("lease/2"), b("ttl=9"));
            store.putSystem(b("other"), b("x"));
            store.deleteSystem(b("lease/1"));
            assertThat(store.range(ScanRange.all()).kvs()).isEmpty();
            assertThat(store.currentRevision()).isEqualTo(MvccStore.FIRST_REVISION);
        }
        try (MvccStore store = MvccStore.open(dir, MvccStoreTest.options("rbtree"))) {
            assertThat(store.scanSystem(b("lease/"))).singleElement()
                .satisfies(kv -> assertThat(kv.key()).isEqualTo(b("lease/2")));
        }
    }
}
