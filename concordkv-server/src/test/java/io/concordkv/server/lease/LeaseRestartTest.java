package io.concordkv.server.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.server.service.RangeQuery;
import io.concordkv.server.service.StandaloneKvService;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases and the keys they hold come back after a restart, read in pages. */
class LeaseRestartTest {
    private static final int KEYS = 12_001;

    @TempDir
    Path dir;

    private MvccStore open() {
        return MvccStore.open(dir, MvccOptions.defaults(StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.NEVER))
            .withRetainRevisions(0));
    }

    private static StandaloneKvService service(MvccStore store) {
        return new StandaloneKvService(store, new StandaloneKvService.Identity(1, 2, "n"), Clock.systemUTC(), 100,
            Duration.ofHours(1));
    }

    @Test
    void aLeaseHoldsAllItsKeysAfterARestartAndItsRevokeDeletesThem() throws Exception {
        long lease;
        try (MvccStore store = open(); StandaloneKvService service = service(store)) {
            lease = service.grantLease(0, 600);
            List<CompletableFuture<?>> puts = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                puts.add(service.putAsync(Bytes.utf8(String.format("k%05d", i)), Bytes.utf8("v"), lease, false, false));
            }
            service.put(Bytes.utf8("free"), Bytes.utf8("v"), 0, false, false);
            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        try (MvccStore store = open(); StandaloneKvService service = service(store)) {
            assertThat(service.lease(lease, true)).hasValueSatisfying(l -> assertThat(l.keys()).hasSize(KEYS));
            service.revokeLease(lease);
            assertThat(service.range(RangeQuery.of(ScanRange.all())).kvs()).singleElement()
                .satisfies(kv -> assertThat(kv.key()).isEqualTo(Bytes.utf8("free")));
        }
    }
}
