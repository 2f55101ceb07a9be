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
 * version (written into a new store; a store of layout 1 is moved to layout 2), a restore that a
 * crash interrupted (finished), and the last revision committed. Stateless.
 */
public final class StoreOpening {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreOpening.class);
    /** The layout version this build writes ({@code 'm' "format"}); it also opens layout 1. */
    public static final int LAYOUT = 2;
    /** The layout before history was filed by the replacing revision (see {@link MvccKeys}). */
    static final int LAYOUT_1 = 1;
    /** Records read at a time by the scans at open. */
    private static final int PAGE = 10_000;

    private StoreOpening() {
    }

    /**
     * Checks the layout version (writing it into a new store), finishes an interrupted restore,
     * and moves a store of layout 1 to layout 2.
     *
     * @throws KvException {@code INVALID_ARGUMENT} when the store is a plain (non-MVCC) one,
     *     {@code UNSUPPORTED} for another layout version, as {@link ImageRestore#resumeInterrupted}
     */
    public static void prepare(KvStore store) {
        Optional<Bytes> format = store.get(MvccKeys.META_FORMAT);
        int layout = format.map(f -> (int) f.byteAt(0)).orElse(0);
        if (format.isEmpty()) {
            if (!store.scan(ScanRange.all().withLimit(1)).isEmpty()) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, store.directory()
                    + " holds a plain store, not an MVCC store");
            }
            writeLayout(store);
        } else if (layout != LAYOUT && layout != LAYOUT_1) {
            throw new KvException(ErrorCode.UNSUPPORTED, "MVCC layout version " + layout
                + " is not supported (this build reads " + LAYOUT_1 + " and " + LAYOUT + ")");
        }
        ImageRestore.resumeInterrupted(store);
        if (layout == LAYOUT_1) {
            long moved = refileHistory(store);
            writeLayout(store);
            LOG.info("store {}: moved from MVCC layout 1 to layout 2 ({} old versions refiled)", store.directory(), moved);
        }
    }

    private static void writeLayout(KvStore store) {
        store.write(WriteBatch.builder().put(MvccKeys.META_FORMAT, Bytes.wrap(new byte[] {LAYOUT})).build());
    }

    /**
     * Files every old version under the revision that replaced it (layout 2) instead of its own
     * mod revision (layout 1). From the newest history key down, so that a version's new key, the
     * old key of the version that replaced it, has already been vacated; each page's moves are
     * one batch. A version already filed by its replacing revision is left where it is, so a move
     * that a crash interrupted is finished by the next open, and the versions a resumed restore
     * wrote (already in layout 2) stay. Returns the number of versions moved.
     */
    static long refileHistory(KvStore store) {
        long moved = 0;
        ScanRange history = MvccKeys.historyRange(0, Long.MAX_VALUE);
        ScanRange page = history.reversed().withLimit(PAGE);
        long budget = store.options().limits().maxBatchBytes() / 2;
        while (true) {
            List<KeyValue> batch = store.scan(page);
            WriteBatch.Builder moves = WriteBatch.builder();
            long bytes = 0;
            for (KeyValue kv : batch) {
                VersionRecord v = VersionRecord.decode(kv.value());
                if (MvccKeys.revisionOfHistory(kv.key()) == v.supersededAt()) {
                    continue;
                }
                long size = 2L * kv.key().length() + kv.value().length();
                if (bytes > 0 && bytes + size > budget) {
                    store.write(moves.build());
                    moves = WriteBatch.builder();
                    bytes = 0;
                }
                moves.put(MvccKeys.history(v.supersededAt(), MvccKeys.userKeyOfHistory(kv.key())), kv.value());
                moves.delete(kv.key());
                bytes += size;
                moved++;
            }
            store.write(moves.build());
            if (batch.size() < PAGE) {
                return moved;
            }
            // moved keys sort above the version moved, so above this page: the next page starts below it
            page = ScanRange.between(history.start(), batch.get(batch.size() - 1).key()).reversed().withLimit(PAGE);
        }
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
