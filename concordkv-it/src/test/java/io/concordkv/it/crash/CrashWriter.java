package io.concordkv.it.crash;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.StoreOptions;
import io.concordkv.storage.WriteBatch;
import java.nio.file.Path;

/**
 * The child process of {@link CrashRecoveryIT}: opens a store and writes batches forever, each of
 * three keys ({@code k<i>a}, {@code k<i>b}, {@code k<i>c}) with values derived from {@code i},
 * printing {@code ack <i>} after each write returns. Takes a snapshot every 300 batches so that
 * recovery also goes through snapshot chains and dropped segments. Stopped by SIGKILL.
 *
 * <p>Arguments: data directory, fsync policy, first batch number.
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        FsyncPolicy policy = FsyncPolicy.valueOf(args[1]);
        long first = Long.parseLong(args[2]);
        StoreOptions options = CrashRecoveryIT.options(policy);
        KvStore store = KvStore.open(dir, options);
        System.out.println("ready");
        System.out.flush();
        for (long i = first; i < first + 1_000_000; i++) {
            WriteBatch.Builder batch = WriteBatch.builder();
            for (String suffix : new String[] {"a", "b", "c"}) {
                batch.put(key(i, suffix), value(i, suffix));
            }
            store.write(batch.build());
            System.out.println("ack " + i);
            System.out.flush();
            if (i % 300 == 0) {
                store.snapshot();
            }
        }
        store.close();
    }

    static Bytes key(long i, String suffix) {
        return Bytes.utf8(String.format("k%09d%s", i, suffix));
    }

    static Bytes value(long i, String suffix) {
        return Bytes.utf8("value-" + i + "-" + suffix + "-" + Long.toHexString(i * 0x9E3779B97F4A7C15L));
    }
}
