package io.concordkv.server.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.service.RangeQuery;
import io.concordkv.server.service.StandaloneKvService;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Puts naming a lease race its revoke: every put either fails with NOT_FOUND or lands before the
 * revoke and is deleted by it; no key is left holding a lease that is gone.
 */
class LeaseRevokeRaceTest {
    @TempDir
    Path dir;

    @RepeatedTest(3)
    void noKeyOutlivesItsRevokedLease() throws Exception {
        try (MvccStore store = MvccStore.open(dir, MvccOptions.defaults(StoreOptions.defaults("rbtree")
            .withFsync(FsyncPolicy.ALWAYS)).withRetainRevisions(0));
             StandaloneKvService service = new StandaloneKvService(store,
                 new StandaloneKvService.Identity(1, 2, "n"), Clock.systemUTC(), 100, Duration.ofHours(1))) {
            long lease = service.grantLease(0, 600);
            List<CompletableFuture<?>> puts = java.util.Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> writers = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 400; i++) {
                    puts.add(service.putAsync(Bytes.utf8("k" + i), Bytes.utf8("v"), lease, false, false));
                }
            });
            // revoke while the writers are going
            while (puts.size() < 100 && !writers.isDone()) {
                Thread.onSpinWait();
            }
            service.revokeLease(lease);
            writers.get(30, TimeUnit.SECONDS);
            int refused = 0;
            for (CompletableFuture<?> f : new ArrayList<>(puts)) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                    assertThat(cause).isInstanceOf(KvException.class);
                    assertThat(((KvException) cause).code()).isEqualTo(ErrorCode.NOT_FOUND);
                    refused++;
                }
            }
            List<KeyVersion> left = service.range(RangeQuery.of(ScanRange.all())).kvs();
            assertThat(left).as("no key holds the revoked lease (%s puts refused)", refused)
                .noneMatch(kv -> kv.lease() == lease);
            assertThat(service.lease(lease, false)).isEmpty();
        }
    }
}
