package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.WriteBatch;
import java.util.List;
import java.util.Optional;

/**
 * What opening an MVCC store reads from the embedded store before anything else may: the layout
 * version (written into a new store), a restore that a crash interrupted (finished), and the last
 * revision committed. Stateless.
 */
public final class StoreOpening {
    /** The layout version this build reads and writes ({@code 'm' "format"}). */
    public static final int LAYOUT = 1;
    /** Records read at a time by the scans at open. */
    private static final int PAGE = 10_000;

    private StoreOpening() {
    }

    /**
     * Checks the layout version (writing it into a new store) and finishes an interrupted restore.
     *
     * @throws KvException {@code INVALID_ARGUMENT} when the store is a plain (non-MVCC) one,
     *     {@code UNSUPPORTED} for another layout version, as {@link ImageRestore#resumeInterrupted}
     */
    public static void prepare(KvStore store) {
        Optional<Bytes> format = store.get(MvccKeys.META_FORMAT);
        if (format.isEmpty()) {
            if (!store.scan(ScanRange.all().withLimit(1)).isEmpty()) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, store.directory()
                    + " holds a plain store, not an MVCC store");
            }
            store.write(WriteBatch.builder().put(MvccKeys.META_FORMAT, Bytes.wrap(new byte[] {LAYOUT})).build());
        } else if (format.get().byteAt(0) != LAYOUT) {
            throw new KvException(ErrorCode.UNSUPPORTED, "MVCC layout version " + format.get().byteAt(0)
                + " is not supported (this build reads " + LAYOUT + ")");
        }
        ImageRestore.resumeInterrupted(store);
    }

    /**
     * The last revision committed: the newest mod revision among the latest versions (a delete
     * leaves a tombstone with its revision until compaction), or the compaction point if
     * compaction has dropped everything newer. Stores written before commits stopped recording
     * it keep an {@code 'm' "rev"} record, which still counts (a restored image may write one too).
     */
    public static long lastRevision(KvStore store) {
        long last = Math.max(readMeta(store, MvccKeys.META_REVISION), readMeta(store, MvccKeys.META_COMPACTED));
        // in pages, so that a store larger than memory (the lsm engine) is never held in memory whole
        ScanRange page = MvccKeys.latestRange(ScanRange.all()).withLimit(PAGE);
        while (true) {
            List<KeyValue> batch = store.scan(page);
            for (KeyValue kv : batch) {
                last = Math.max(last, VersionRecord.modRevisionOf(kv.value()));
            }
            if (batch.size() < PAGE) {
                return last;
            }
            Bytes lastKey = batch.get(batch.size() - 1).key();
            Bytes after = Bytes.wrap(java.util.Arrays.copyOf(lastKey.unsafeArray(), lastKey.length() + 1));
            page = ScanRange.between(after, page.end().orElseThrow()).withLimit(PAGE);
        }
    }

    /** A be64 metadata record, 0 when absent. */
    public static long readMeta(KvStore store, Bytes key) {
        return store.get(key).map(MvccKeys::decodeLong).orElse(0L);
    }
}
