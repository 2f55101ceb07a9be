package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes the image of an MVCC store as it was at one revision R, while commits go on: the store
 * is read in pages, and what commits after R changed is taken back out of what is read. A commit
 * after R only ever adds a history record (superseded after R: left out) and replaces a key's
 * latest version (the version current at R is then found by following the key's history back,
 * and written as the latest one again, with no superseded-at revision). The caller holds history
 * compaction off, so nothing the image needs is dropped meanwhile, and has waited until every
 * commit up to R is applied. System records keep no history: the caller reads them at R
 * ({@link #systemRecords}) and passes them in.
 * Records come out in key order. Used by one thread.
 */
public final class ImageWriter {
    /** Records read at a time. */
    private static final int PAGE = 1_000;

    private final KvStore store;
    private final long revision;
    private final DataOutputStream body;
    private final CRC32C crc = new CRC32C();
    private byte[] scratch = new byte[4096];
    private long records;

    private ImageWriter(KvStore store, long revision, OutputStream out) {
        this.store = store;
        this.revision = revision;
        this.body = new DataOutputStream(new CheckedOutputStream(out, crc));
    }

    /**
     * Writes the image of {@code store} at {@code revision} ({@code compacted} its compacted
     * revision; {@code system} its system records as they were at {@code revision}) to
     * {@code out}, which is flushed but not closed.
     */
    public static void write(KvStore store, long revision, long compacted, List<KeyValue> system, OutputStream out)
        throws IOException {
        BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        buffered.write(ImageFormat.encodeHeader(new ImageFormat.Header(revision, compacted, ImageFormat.LAYOUT)));
        ImageWriter w = new ImageWriter(store, revision, buffered);
        w.history();
        w.latest();
        for (KeyValue kv : system) {
            w.record(kv.key(), kv.value());
        }
        w.body.writeByte(ImageFormat.END);
        w.body.writeLong(w.records);
        w.body.flush();
        new DataOutputStream(buffered).writeInt((int) w.crc.getValue());
        buffered.flush();
    }

    /**
     * History versions already superseded at R; later ones did not exist then. History keys begin
     * with the revision that superseded the version, so these are the keys below R + 1.
     */
    private void history() throws IOException {
        for (Page p = new Page(MvccKeys.historyRange(0, revision + 1)); p.next(); ) {
            for (KeyValue kv : p.batch) {
                record(kv.key(), kv.value());
            }
        }
    }

    /** Latest versions as they were at R: replaced ones are found again in the key's history. */
    private void latest() throws IOException {
        for (Page p = new Page(namespace(MvccKeys.LATEST)); p.next(); ) {
            for (KeyValue kv : p.batch) {
                if (VersionRecord.modRevisionOf(kv.value()) <= revision) {
                    record(kv.key(), kv.value());
                    continue;
                }
                VersionRecord then = versionAtImage(MvccKeys.userKeyOfLatest(kv.key()), VersionRecord.decode(kv.value()));
                if (then != null) {
                    record(kv.key(), then.supersededBy(0).encode());
                }
            }
        }
    }

    /** The key's version current at R (a tombstone included), or null if it had none then. */
    private VersionRecord versionAtImage(Bytes key, VersionRecord latest) {
        VersionRecord v = latest;
        while (v != null && v.modRevision() > revision) {
            v = VersionReader.predecessor(store, key, v);
        }
        return v;
    }

    /** The store's system records now, in key order (for an image written later). */
    public static List<KeyValue> systemRecords(KvStore store) {
        return store.scan(namespace(MvccKeys.SYSTEM));
    }

    /** One record, in one write: the tag, the key's length and bytes, the value's length and bytes. */
    private void record(Bytes key, Bytes value) throws IOException {
        int size = 1 + 4 + key.length() + 4 + value.length();
        if (scratch.length < size) {
            scratch = new byte[Math.max(size, scratch.length * 2)];
        }
        ByteBuffer out = ByteBuffer.wrap(scratch);
        out.put((byte) ImageFormat.RECORD).putInt(key.length()).put(key.unsafeArray(), 0, key.length())
            .putInt(value.length()).put(value.unsafeArray(), 0, value.length());
        body.write(scratch, 0, size);
        records++;
    }

    static ScanRange namespace(byte tag) {
        return ScanRange.prefix(Bytes.wrap(new byte[] {tag}));
    }

    /** The records of a range, read a page at a time in key order. */
    private final class Page {
        private ScanRange next;
        private List<KeyValue> batch = List.of();

        Page(ScanRange range) {
            this.next = range.withLimit(PAGE);
        }

        boolean next() {
            if (next == null) {
                return false;
            }
            batch = store.scan(next);
            if (batch.size() < PAGE) {
                next = null;
            } else {
                Bytes last = batch.get(batch.size() - 1).key();
                Bytes after = Bytes.wrap(java.util.Arrays.copyOf(last.unsafeArray(), last.length() + 1));
                next = ScanRange.between(after, next.end().orElseThrow()).withLimit(PAGE);
            }
            return !batch.isEmpty();
        }
    }
}
