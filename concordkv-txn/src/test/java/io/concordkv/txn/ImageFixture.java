package io.concordkv.txn;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Stores with history for the image tests, and everything a client can observe of a store. */
final class ImageFixture {
    private ImageFixture() {
    }

    /**
     * Everything observable: the revisions, every key at every readable revision (with create
     * and mod revisions, version and lease), the change history, the system records.
     */
    record Observed(long current, long compacted, Map<Long, List<KeyVersion>> ranges, List<ChangeEvent> changes,
                    List<KeyValue> system) {
    }

    static MvccOptions options(String engine) {
        return MvccOptions.defaults(StoreOptions.defaults(engine).withFsync(FsyncPolicy.NEVER)).withRetainRevisions(0);
    }

    static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    static Bytes leaseName(long id) {
        return Bytes.wrap(ByteBuffer.allocate(14).put(b("lease/").unsafeArray()).putLong(id).array());
    }

    /**
     * Puts, overwrites, deletes, a key deleted and created again, keys with leases, a compaction
     * with history on both sides of it, a transaction, lease records. On a new store (at revision
     * 1), ends at revision 13, compacted at 6.
     */
    static void populate(MvccStore s) {
        s.put(b("a"), b("a1"));                       // 2
        s.put(b("b"), b("b1"));                       // 3
        s.put(b("a"), b("a2"));                       // 4
        s.delete(b("b"));                             // 5
        s.put(b("c"), b("c1"), 7);                    // 6
        s.put(b("b"), b("b2"));                       // 7: created again
        s.put(b("d"), b("d1"));                       // 8
        s.delete(b("d"));                             // 9: a tombstone kept past the compaction
        s.put(b("a"), b("a3"));                       // 10
        s.compact(6);
        s.put(b("e"), b("e1"), 9);                    // 11
        s.txn(new TxnRequest(List.of(), List.of(new TxnOp.Put(b("f"), b("f1"), 0, false),
            TxnOp.DeleteRange.key(b("a"))), List.of()));  // 12
        s.put(b("c"), b("c2"), 7);                    // 13
        s.putSystem(leaseName(7), Bytes.wrap(ByteBuffer.allocate(8).putLong(30).array()));
        s.putSystem(leaseName(9), Bytes.wrap(ByteBuffer.allocate(8).putLong(60).array()));
    }

    static byte[] image(MvccStore s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.writeImage(out);
        return out.toByteArray();
    }

    static void restore(MvccStore s, byte[] image) {
        s.restoreImage(new ByteArrayInputStream(image));
    }

    static Observed observe(MvccStore s) {
        long current = s.currentRevision();
        long compacted = s.compactedRevision();
        Map<Long, List<KeyVersion>> ranges = new TreeMap<>();
        for (long r = compacted; r <= current; r++) {
            ranges.put(r, s.range(ScanRange.all(), r).kvs());
        }
        List<ChangeEvent> changes = current > compacted ? s.changes(ScanRange.all(), compacted + 1, current) : List.of();
        return new Observed(current, compacted, ranges, changes, new ArrayList<>(s.scanSystem(Bytes.EMPTY)));
    }
}
