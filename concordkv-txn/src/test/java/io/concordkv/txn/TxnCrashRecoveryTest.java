package io.concordkv.txn;

import static io.concordkv.txn.MvccStoreTest.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import io.concordkv.storage.fs.FaultyFileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash (the disk losing everything not fsynced) keeps every committed transaction whole and
 * no uncommitted one: under {@code always} every acknowledged commit survives; under {@code batch}
 * and {@code never} a prefix of the commits survives, each whole.
 */
class TxnCrashRecoveryTest {
    private static final int TXNS = 300;

    @TempDir
    Path dir;

    private final FaultyFileIo disk = new FaultyFileIo();

    private MvccOptions options(FsyncPolicy policy) {
        return MvccOptions.defaults(StoreOptions.defaults("rbtree").withFsync(policy).withIo(disk)).withRetainRevisions(0);
    }

    @ParameterizedTest
    // OFF keeps no log: nothing survives a crash by design
    @EnumSource(value = FsyncPolicy.class, names = {"ALWAYS", "BATCH", "NEVER"})
    void committedTransactionsSurviveWholeAndUncommittedOnesVanish(FsyncPolicy policy) throws IOException {
        try (MvccStore setup = MvccStore.open(dir, options(FsyncPolicy.ALWAYS))) {
            setup.put(b("count"), b("0"));
        }
        MvccStore store = MvccStore.open(dir, options(policy));
        TxnOptions serializable = TxnOptions.of(Isolation.SERIALIZABLE, ConcurrencyMode.OPTIMISTIC);
        for (int i = 0; i < TXNS; i++) {
            try (Transaction txn = store.begin(serializable)) {
                int count = Integer.parseInt(txn.get(b("count")).orElseThrow().value().toUtf8());
                for (String part : List.of("a", "b", "c")) {
                    txn.put(b("t" + i + "/" + part), b(Integer.toString(i)));
                }
                txn.put(b("count"), b(Integer.toString(count + 1)));
                txn.commit();
            }
        }
        List<Transaction> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Transaction txn = store.begin(serializable);
            txn.put(b("uncommitted/" + i), b("x"));
            txn.put(b("count"), b("-1"));
            open.add(txn);
        }
        long acknowledged = store.currentRevision();
        disk.crash();

        try (MvccStore reopened = MvccStore.open(dir, options(policy))) {
            assertThat(reopened.range(ScanRange.prefix(b("uncommitted/"))).kvs()).isEmpty();
            int count = Integer.parseInt(reopened.get(b("count")).orElseThrow().value().toUtf8());
            if (policy == FsyncPolicy.ALWAYS) {
                assertThat(count).isEqualTo(TXNS);
                assertThat(reopened.currentRevision()).isEqualTo(acknowledged);
            }
            for (int i = 0; i < TXNS; i++) {
                long parts = reopened.range(ScanRange.prefix(b("t" + i + "/"))).kvs().size();
                assertThat(parts).as("transaction " + i + " of " + count + " survived whole or not at all")
                    .isEqualTo(i < count ? 3 : 0);
            }
            assertThat(reopened.currentRevision()).as("one revision per commit, after the first put")
                .isEqualTo(MvccStore.FIRST_REVISION + 1 + count);
            if (count > 0) {
                assertThat(reopened.get(b("count"), MvccStore.FIRST_REVISION + count).orElseThrow().value())
                    .as("history survives too").isEqualTo(b(Integer.toString(count - 1)));
            }
        }
    }
}
