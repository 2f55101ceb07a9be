package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.ScanRange;

/**
 * How the MVCC layer lays out its data in the key space of the embedded store.
 *
 * <pre>
 *   'k' userKey             the key's latest version (a {@link VersionRecord}; a tombstone once deleted)
 *   'h' be64(rev) userKey   an older version of userKey, replaced by the write at revision rev
 *   'm' name                metadata: "rev" (last revision, be64), "compact" (compacted revision, be64),
 *                           "format" (layout version, one byte)
 * </pre>
 *
 * A history key is unique because the revision has a fixed width. History sorts by the revision
 * that replaced each version, which is the revision being committed when it is written and the
 * order in which compaction drops it: on ordered engines both happen at one end of the key
 * range, in cache. A version's predecessor is found under the version's own mod revision. (Layout
 * 1 keyed a version by its own mod revision: inserts and deletes at random places;
 * {@link StoreOpening} moves such a store to layout 2.) Stateless.
 */
public final class MvccKeys {
    static final byte LATEST = 'k';
    public static final byte HISTORY = 'h';
    static final byte META = 'm';
    static final byte SYSTEM = 's';
    public static final Bytes META_REVISION = meta("rev");
    public static final Bytes META_COMPACTED = meta("compact");
    public static final Bytes META_FORMAT = meta("format");

    private MvccKeys() {
    }

    public static Bytes latest(Bytes userKey) {
        byte[] out = new byte[userKey.length() + 1];
        out[0] = LATEST;
        System.arraycopy(userKey.unsafeArray(), 0, out, 1, userKey.length());
        return Bytes.wrap(out);
    }

    public static Bytes history(long revision, Bytes userKey) {
        byte[] out = new byte[userKey.length() + 9];
        out[0] = HISTORY;
        putLong(out, 1, revision);
        System.arraycopy(userKey.unsafeArray(), 0, out, 9, userKey.length());
        return Bytes.wrap(out);
    }

    /** The store key of a system record (see {@code MvccStore#putSystem}). */
    public static Bytes system(Bytes name) {
        byte[] out = new byte[name.length() + 1];
        out[0] = SYSTEM;
        System.arraycopy(name.unsafeArray(), 0, out, 1, name.length());
        return Bytes.wrap(out);
    }

    public static Bytes nameOfSystem(Bytes storeKey) {
        return Bytes.copyOf(storeKey.unsafeArray(), 1, storeKey.length() - 1);
    }

    /** The user key of a latest-version key. */
    public static Bytes userKeyOfLatest(Bytes storeKey) {
        return Bytes.copyOf(storeKey.unsafeArray(), 1, storeKey.length() - 1);
    }

    /** The revision a history key is filed under. */
    public static long revisionOfHistory(Bytes storeKey) {
        return readLong(storeKey, 1);
    }

    /** The user key of a history key. */
    public static Bytes userKeyOfHistory(Bytes storeKey) {
        return Bytes.copyOf(storeKey.unsafeArray(), 9, storeKey.length() - 9);
    }

    /** The latest-version keys whose user keys lie in {@code range} (same limit and direction). */
    public static ScanRange latestRange(ScanRange range) {
        Bytes start = latest(range.start());
        Bytes end = range.end().map(MvccKeys::latest).orElse(Bytes.wrap(new byte[] {LATEST + 1}));
        ScanRange mapped = ScanRange.between(start, end).withLimit(range.limit());
        return range.isReverse() ? mapped.reversed() : mapped;
    }

    /** History keys of versions replaced by a revision in {@code [fromRevision, toRevision)}. */
    public static ScanRange historyRange(long fromRevision, long toRevision) {
        byte[] from = new byte[9];
        from[0] = HISTORY;
        putLong(from, 1, fromRevision);
        byte[] to = new byte[9];
        to[0] = HISTORY;
        putLong(to, 1, toRevision);
        return ScanRange.between(Bytes.wrap(from), Bytes.wrap(to));
    }

    public static Bytes encodeLong(long v) {
        byte[] out = new byte[8];
        putLong(out, 0, v);
        return Bytes.wrap(out);
    }

    public static long decodeLong(Bytes b) {
        return readLong(b, 0);
    }

    private static long readLong(Bytes b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b.byteAt(i) & 0xFF);
        }
        return v;
    }

    private static Bytes meta(String name) {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[n.length + 1];
        out[0] = META;
        System.arraycopy(n, 0, out, 1, n.length);
        return Bytes.wrap(out);
    }

    private static void putLong(byte[] out, int pos, long v) {
        for (int i = 7; i >= 0; i--) {
            out[pos + i] = (byte) v;
            v >>>= 8;
        }
    }
}
