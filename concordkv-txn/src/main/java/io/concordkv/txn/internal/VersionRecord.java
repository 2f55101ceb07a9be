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
 * replaced (0 for none): reads at older revisions follow it. {@code supersededAt} is the revision
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

    public Bytes encode() {
        int header = 1 + varintSize(createRevision) + varintSize(modRevision) + varintSize(version)
            + varintSize(lease) + varintSize(prevRevision) + varintSize(supersededAt);
        byte[] out = new byte[header + value.length()];
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

    /** Decodes a stored version; {@code CORRUPTION} if it is malformed. */
    public static VersionRecord decode(Bytes stored) {
        byte[] in = stored.unsafeArray();
        try {
            long[] fields = new long[6];
            int pos = 1;
            for (int i = 0; i < fields.length; i++) {
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
            Bytes value = pos == in.length ? Bytes.EMPTY : Bytes.copyOf(in, pos, in.length - pos);
            return new VersionRecord((in[0] & TOMBSTONE) != 0, fields[0], fields[1], fields[2], fields[3],
                fields[4], fields[5], value);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new KvException(ErrorCode.CORRUPTION, "malformed version record of " + in.length + " bytes");
        }
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
        long create = 0;
        long mod = 0;
        long version = 0;
        long lease = 0;
        int pos = 1;
        for (int i = 0; i < 6; i++) {
            long v = 0;
            int shift = 0;
            byte b;
            do {
                b = in[pos++];
                v |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0 && shift < 64);
            switch (i) {
                case 0 -> create = v;
                case 1 -> mod = v;
                case 2 -> version = v;
                case 3 -> lease = v;
                default -> { }
            }
        }
        if (mod > revision) {
            return null;
        }
        Bytes value = pos == in.length ? Bytes.EMPTY : Bytes.copyOf(in, pos, in.length - pos);
        return new io.concordkv.txn.KeyVersion(key, value, create, mod, version, lease);
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
