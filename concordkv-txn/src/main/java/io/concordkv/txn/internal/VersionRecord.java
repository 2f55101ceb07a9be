package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;

/**
 * One version of one key as stored: the key's latest version under {@link MvccKeys#latest}, an
 * older one under {@link MvccKeys#history}. Immutable.
 *
 * <p>Encoding (the stored value): one flags byte (bit 0: tombstone), then six unsigned LEB128
 * varints {@code createRevision, modRevision, version, lease, prevRevision, supersededAt}, then
 * the value bytes to the end. {@code prevRevision} is the mod revision of the version this one
 * replaced (0 for none; the replaced version is filed in history under this one's mod
 * revision, where reads at older revisions find it). {@code supersededAt} is the revision
 * that replaced this version (0 while it is the latest): history compaction drops a version once
 * that revision is at or below the compaction point.
 *
 * @param tombstone whether this version records a delete ({@code value} is then empty)
 * @param version number of changes since the key was (re)created; 0 for a tombstone
 */
public record VersionRecord(boolean tombstone, long createRevision, long modRevision, long version, long lease,
                            long prevRevision, long supersededAt, Bytes value) {
    private static final int TOMBSTONE = 1;

    /** A put at {@code revision} replacing {@code previous} (absent key or tombstone = a new creation). */
    public static VersionRecord put(long revision, Bytes value, long lease, VersionRecord previous) {
        boolean live = previous != null && !previous.tombstone;
        return new VersionRecord(false, live ? previous.createRevision : revision, revision,
            live ? previous.version + 1 : 1, lease, previous == null ? 0 : previous.modRevision, 0, value);
    }

    /** A delete at {@code revision} of the live version {@code previous}. */
    public static VersionRecord delete(long revision, VersionRecord previous) {
        return new VersionRecord(true, 0, revision, 0, 0, previous.modRevision, 0, Bytes.EMPTY);
    }

    /** This version, as replaced by the write at {@code revision}. */
    public VersionRecord supersededBy(long revision) {
        return new VersionRecord(tombstone, createRevision, modRevision, version, lease, prevRevision, revision, value);
    }

    /** The length of {@link #encode}'s bytes. */
    public int encodedSize() {
        return encodedSize(supersededAt);
    }

    /** The length of {@link #encode(long)}'s bytes. */
    public int encodedSize(long supersededAt) {
        return headerSize(supersededAt) + value.length();
    }

    private int headerSize(long supersededAt) {
        return 1 + varintSize(createRevision) + varintSize(modRevision) + varintSize(version)
            + varintSize(lease) + varintSize(prevRevision) + varintSize(supersededAt);
    }

    public Bytes encode() {
        return encode(supersededAt);
    }

    /**
     * The encoding of this version with {@code supersededAt} in place of its own: what
     * {@code supersededBy(supersededAt).encode()} gives, without the copy.
     */
    public Bytes encode(long supersededAt) {
        byte[] out = new byte[headerSize(supersededAt) + value.length()];
        out[0] = (byte) (tombstone ? TOMBSTONE : 0);
        int pos = 1;
        pos = putVarint(out, pos, createRevision);
        pos = putVarint(out, pos, modRevision);
        pos = putVarint(out, pos, version);
        pos = putVarint(out, pos, lease);
        pos = putVarint(out, pos, prevRevision);
        pos = putVarint(out, pos, supersededAt);
        System.arraycopy(value.unsafeArray(), 0, out, pos, value.length());
        return Bytes.wrap(out);
    }

    private static int varintSize(long v) {
        return v == 0 ? 1 : (63 - Long.numberOfLeadingZeros(v)) / 7 + 1;
    }

    /** Field slots of {@link #header}: the six varints, then where the value starts. */
    private static final int MOD = 1;
    private static final int VALUE_AT = 6;

    /**
     * The six header varints of a stored version, then the offset of its value.
     *
     * @throws KvException {@code CORRUPTION} if the record is cut short
     */
    private static long[] header(byte[] in) {
        long[] fields = new long[VALUE_AT + 1];
        int pos = 1;
        try {
            for (int i = 0; i < VALUE_AT; i++) {
                long v = 0;
                int shift = 0;
                byte b;
                do {
                    b = in[pos++];
                    v |= (long) (b & 0x7F) << shift;
                    shift += 7;
                } while (b < 0 && shift < 64);
                fields[i] = v;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new KvException(ErrorCode.CORRUPTION, "malformed version record of " + in.length + " bytes");
        }
        fields[VALUE_AT] = pos;
        return fields;
    }

    private static Bytes valueOf(byte[] in, long[] fields) {
        int pos = (int) fields[VALUE_AT];
        return pos == in.length ? Bytes.EMPTY : Bytes.copyOf(in, pos, in.length - pos);
    }

    /** Decodes a stored version; {@code CORRUPTION} if it is malformed. */
    public static VersionRecord decode(Bytes stored) {
        byte[] in = stored.unsafeArray();
        long[] f = header(in);
        return new VersionRecord((in[0] & TOMBSTONE) != 0, f[0], f[1], f[2], f[3], f[4], f[5], valueOf(in, f));
    }

    /** The mod revision of a stored version, without copying its value. */
    static long modRevisionOf(Bytes stored) {
        return header(stored.unsafeArray())[MOD];
    }

    /**
     * The fast path of a read at {@code revision}: the key's metadata and value straight from the
     * stored latest version when it is live and not newer than {@code revision}; null when the
     * caller must decode it and look further (a tombstone, or a version that is too new).
     */
    static io.concordkv.txn.KeyVersion liveAt(Bytes key, Bytes stored, long revision) {
        byte[] in = stored.unsafeArray();
        if ((in[0] & TOMBSTONE) != 0) {
            return null;
        }
        long[] f = header(in);
        if (f[MOD] > revision) {
            return null;
        }
        return new io.concordkv.txn.KeyVersion(key, valueOf(in, f), f[0], f[MOD], f[2], f[3]);
    }

    private static int putVarint(byte[] out, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            out[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
        return pos;
    }
}
