package io.concordkv.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.StoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes that complete without a waiting thread, under {@code always} group commit. */
class AsyncCommitTest {
    @TempDir
    Path dir;

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private MvccStore open() {
        return MvccStore.open(dir, MvccOptions.defaults(StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.ALWAYS))
            .withRetainRevisions(0));
    }

    @Test
    void manyAsyncPutsEachGetTheirOwnRevisionAndAllSurviveAReopen() throws Exception {
        int n = 2_000;
        try (MvccStore store = open()) {
            List<CompletableFuture<WriteResult>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(store.putAsync(b("k" + (i % 100)), b("v" + i), 0));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(all.stream().map(f -> f.join().revision()).distinct()).hasSize(n);
            assertThat(store.currentRevision()).isEqualTo(MvccStore.FIRST_REVISION + n);
        }
        try (MvccStore store = open()) {
            assertThat(store.currentRevision()).isEqualTo(MvccStore.FIRST_REVISION + n);
            assertThat(store.get(b("k99")).orElseThrow().value()).isEqualTo(b("v" + (n - 1)));
        }
    }

    /**
     * Conditional transactions on one hot key conflict and are retried from the callbacks of the
     * group commits that made them conflict: every one still commits, once.
     */
    @Test
    void conflictingAsyncTransactionsAreRetriedUntilEachCommitsOnce() throws Exception {
        int threads = 4;
        int perThread = 150;
        try (MvccStore store = open()) {
            store.put(b("hot"), b("0"));
            List<CompletableFuture<TxnResponse>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            TxnRequest touch = new TxnRequest(List.of(Compare.version(b("hot"), Compare.Op.GREATER, 0)),
                                List.of(new TxnOp.Range(io.concordkv.storage.ScanRange.prefix(b("hot"))),
                                    TxnOp.Put.of(b("hot"), b(thread + "/" + i))), List.of());
                            all.add(store.txnAsync(touch));
                        }
                    });
                }
                pool.shutdown();
                assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                pool.shutdownNow();
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertThat(all).hasSize(threads * perThread).allMatch(f -> f.join().succeeded());
            assertThat(store.get(b("hot")).orElseThrow().version()).isEqualTo(threads * perThread + 1);
        }
    }
}
