package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;

/**
 * One version of one key as stored: the key's latest version under {@link MvccKeys#latest}, an
 * older one under {@link MvccKeys#history}. Immutable as seen through its methods.
 *
 * <p>Encoding (the stored value): one flags byte (bit 0: tombstone), then six unsigned LEB128
 * varints {@code createRevision, modRevision, version, lease, prevRevision, supersededAt}, then
 * the value bytes to the end. {@code prevRevision} is the mod revision of the version this one
 * replaced (0 for none; the replaced version is filed in history under this one's mod
 * revision, where reads at older revisions find it). {@code supersededAt} is the revision
 * that replaced this version (0 while it is the latest): history compaction drops a version once
 * that revision is at or below the compaction point.
 *
 * <p>A <em>reference</em> ({@link #reference}) is what a log holds under a history key in place of
 * the version it files: the flags byte with bit 1 set, then the varint mod revision of that
 * version, which is the key's latest version when the record is applied. Only an engine that
 * holds the key's versions can read one ({@link VersionedEngine}); {@link #decode} refuses it.
 *
 * <p>A <em>filing</em> record ({@link #encodeFiling}) is what a log holds under a key's latest key
 * for a put or delete that replaced a version: the version's encoding with bit 2 of the flags set,
 * saying that, when it is applied, the key's latest version (whose mod revision is this one's
 * {@code prevRevision}) is first filed in history as replaced at this one's mod revision. One
 * record per key and commit, where the log held two (the new version and a reference to the old
 * under its history key). Only an engine that holds the key's versions can apply one;
 * {@link #decode} refuses it.
 *
 * <p>A version's lease and the revision that replaced it are almost always 0 (no lease; the key's
 * latest version, or one filed in a history that keeps that revision beside it): a version with
 * either is an instance of a subclass that holds them, so the common one is 56 bytes, not 72.
 * Every key of the store holds one, and on a store whose keys are all rewritten between two young
 * collections every one of them is copied at each.
 */
public sealed class VersionRecord permits VersionRecord.Annotated {
    private static final int TOMBSTONE = 1;
    private static final int REFERENCE = 2;
    private static final int FILES = 4;

    /**
     * The value's length, or for a tombstone its complement ({@code ~length}, negative): kept so
     * that measuring a version ({@link #countedSize}) reads this object alone, not its value's.
     * History compaction measures each version it drops under the engine's write lock.
     */
    private final int lengthOrTombstone;
    private final long modRevision;
    private final Bytes value;
    private final long createRevision;
    private final long version;
    private final long prevRevision;

    private VersionRecord(boolean tombstone, long createRevision, long modRevision, long version,
                          long prevRevision, Bytes value) {
        this.lengthOrTombstone = tombstone ? ~value.length() : value.length();
        this.createRevision = createRevision;
        this.modRevision = modRevision;
        this.version = version;
        this.prevRevision = prevRevision;
        this.value = value;
    }

    /** A version with a lease or a replacing revision (or both): the two fields most versions leave at 0. */
    static final class Annotated extends VersionRecord {
        private final long lease;
        private final long supersededAt;

        private Annotated(boolean tombstone, long createRevision, long modRevision, long version, long lease,
                          long prevRevision, long supersededAt, Bytes value) {
            super(tombstone, createRevision, modRevision, version, prevRevision, value);
            this.lease = lease;
            this.supersededAt = supersededAt;
        }

        @Override
        public long lease() {
            return lease;
        }

        @Override
        public long supersededAt() {
            return supersededAt;
        }
    }

    /**
     * A version whole from the start.
     *
     * @param tombstone whether this version records a delete ({@code value} is then empty)
     * @param version number of changes since the key was (re)created; 0 for a tombstone
     */
    public static VersionRecord of(boolean tombstone, long createRevision, long modRevision, long version, long lease,
                                   long prevRevision, long supersededAt, Bytes value) {
        return lease == 0 && supersededAt == 0
            ? new VersionRecord(tombstone, createRevision, modRevision, version, prevRevision, value)
            : new Annotated(tombstone, createRevision, modRevision, version, lease, prevRevision, supersededAt, value);
    }

    /** A put at {@code revision} replacing {@code previous} (absent key or tombstone = a new creation). */
    public static VersionRecord put(long revision, Bytes value, long lease, VersionRecord previous) {
        boolean live = previous != null && !previous.tombstone();
        return of(false, live ? previous.createRevision() : revision, revision,
            live ? previous.version() + 1 : 1, lease, previous == null ? 0 : previous.modRevision, 0, value);
    }

    /**
     * As {@link #put}, from the fields of the version replaced instead of the version:
     * {@code createRevision} and {@code changes} (its change count, 0 for a tombstone) and
     * {@code modRevision}, as a key's entry keeps them, so that a put need not read that version.
     */
    public static VersionRecord putAfter(long revision, Bytes value, long lease, long createRevision, long changes,
                                         long modRevision) {
        boolean live = changes > 0;
        return of(false, live ? createRevision : revision, revision, live ? changes + 1 : 1, lease, modRevision, 0,
            value);
    }

    /** A delete at {@code revision} of the live version {@code previous}. */
    public static VersionRecord delete(long revision, VersionRecord previous) {
        return new VersionRecord(true, 0, revision, 0, previous.modRevision, Bytes.EMPTY);
    }

    public boolean tombstone() {
        return lengthOrTombstone < 0;
    }

    public long createRevision() {
        return createRevision;
    }

    public long modRevision() {
        return modRevision;
    }

    public long version() {
        return version;
    }

    /** The lease the version was written with; 0 for none. */
    public long lease() {
        return 0;
    }

    public long prevRevision() {
        return prevRevision;
    }

    /** The revision that replaced this version as its record names it; 0 while it is the latest. */
    public long supersededAt() {
        return 0;
    }

    public Bytes value() {
        return value;
    }

    /** This version, as replaced by the write at {@code revision}. */
    public VersionRecord supersededBy(long revision) {
        return of(tombstone(), createRevision(), modRevision, version(), lease(), prevRevision(), revision, value);
    }

    /** The length of {@link #encode}'s bytes. */
    public int encodedSize() {
        return encodedSize(supersededAt());
    }

    /** The length of {@link #encode(long)}'s bytes. */
    public int encodedSize(long supersededAt) {
        return headerSize(supersededAt) + value.length();
    }

    private int headerSize(long supersededAt) {
        return 1 + varintSize(createRevision()) + varintSize(modRevision) + varintSize(version())
            + varintSize(lease()) + varintSize(prevRevision()) + varintSize(supersededAt);
    }

    /**
     * The bytes this version counts for in its store's figures, marked replaced at
     * {@code supersededAt}: {@link #encodedSize(long)} with the create revision, change count and
     * previous revision counted as wide as the mod revision, which none of them exceeds. At least
     * the encoded size, at most a few bytes more, and known from this object alone.
     */
    public int countedSize(long supersededAt) {
        int length = lengthOrTombstone < 0 ? ~lengthOrTombstone : lengthOrTombstone;
        return 1 + 4 * varintSize(modRevision) + varintSize(lease()) + varintSize(supersededAt) + length;
    }

    /** What {@link #countedSize(long)} grows by when the version is marked replaced at {@code revision}. */
    static int replacedMarkSize(long revision) {
        return varintSize(revision) - varintSize(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionRecord v && lengthOrTombstone == v.lengthOrTombstone && modRevision == v.modRevision
            && lease() == v.lease() && supersededAt() == v.supersededAt() && createRevision() == v.createRevision()
            && version() == v.version() && prevRevision() == v.prevRevision() && value.equals(v.value);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(tombstone(), createRevision(), modRevision, version(), lease(), prevRevision(),
            supersededAt(), value);
    }

    @Override
    public String toString() {
        return "VersionRecord[tombstone=" + tombstone() + ", createRevision=" + createRevision() + ", modRevision="
            + modRevision + ", version=" + version() + ", lease=" + lease() + ", prevRevision=" + prevRevision()
            + ", supersededAt=" + supersededAt() + ", value=" + value + "]";
    }

    public Bytes encode() {
        return encode(supersededAt());
    }

    /**
     * The encoding of this version with {@code supersededAt} in place of its own: what
     * {@code supersededBy(supersededAt).encode()} gives, without the copy.
     */
    public Bytes encode(long supersededAt) {
        return encode(supersededAt, 0);
    }

    /**
     * The record a log holds for this version as the key's new latest one when it replaced the
     * key's latest version (of mod revision {@link #prevRevision}): applied, it files that one in
     * history as replaced at this one's mod revision first (see the class note).
     */
    public Bytes encodeFiling() {
        return encode(0, FILES);
    }

    private Bytes encode(long supersededAt, int flags) {
        byte[] out = new byte[headerSize(supersededAt) + value.length()];
        out[0] = (byte) ((tombstone() ? TOMBSTONE : 0) | flags);
        int pos = 1;
        pos = putVarint(out, pos, createRevision);
        pos = putVarint(out, pos, modRevision);
        pos = putVarint(out, pos, version);
        pos = putVarint(out, pos, lease());
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

    /**
     * The record a log holds under the history key of a version it files in place of the version:
     * it names the version by its mod revision, and the engine it is applied to files the key's
     * latest version, which must be that one, instead of decoding one from the record.
     */
    public static Bytes reference(long modRevision) {
        if (modRevision <= 0) {
            throw new IllegalArgumentException("a reference names a revision, not " + modRevision);
        }
        byte[] out = new byte[1 + varintSize(modRevision)];
        out[0] = REFERENCE;
        putVarint(out, 1, modRevision);
        return Bytes.wrap(out);
    }

    /**
     * Whether {@code stored[offset, offset + length)} is a {@link #reference}: its flags byte is
     * exactly that (a version's flags have no other bit than the tombstone's).
     */
    static boolean isReference(byte[] stored, int offset, int length) {
        return length > 0 && stored[offset] == REFERENCE;
    }

    /**
     * The mod revision a {@link #reference} names.
     *
     * @throws KvException {@code CORRUPTION} if it is malformed
     */
    static long referenced(Bytes stored) {
        byte[] in = stored.unsafeArray();
        long revision = 0;
        int pos = 1;
        int shift = 0;
        boolean more = true;
        while (more && pos < in.length && shift < 64) {
            byte b = in[pos++];
            revision |= (long) (b & 0x7F) << shift;
            shift += 7;
            more = b < 0;
        }
        if (in.length == 0 || in[0] != REFERENCE || more || pos != in.length || revision <= 0) {
            throw new KvException(ErrorCode.CORRUPTION, "malformed reference record of " + in.length + " bytes");
        }
        return revision;
    }

    /** Decodes a stored version; {@code CORRUPTION} if it is malformed. */
    public static VersionRecord decode(Bytes stored) {
        byte[] in = stored.unsafeArray();
        if (isReference(in, 0, in.length)) {
            throw new KvException(ErrorCode.CORRUPTION, "a reference record (to the version of revision "
                + referenced(stored) + ") cannot be read on its own: only the engine that holds its key's versions can");
        }
        if (isFiling(in, 0, in.length)) {
            throw new KvException(ErrorCode.CORRUPTION, "a filing record (of the version of revision "
                + modRevisionOf(stored) + ") cannot be applied on its own: only the engine that holds its key's versions can");
        }
        return decodeVersion(in);
    }

    /**
     * Decodes a stored version, or the version a {@link #encodeFiling filing} record puts (what it
     * files is the caller's: {@link #isFiling}); {@code CORRUPTION} if it is malformed or a reference.
     */
    static VersionRecord decodeLogged(Bytes stored) {
        byte[] in = stored.unsafeArray();
        return isFiling(in, 0, in.length) ? decodeVersion(in) : decode(stored);
    }

    /** Whether {@code stored[offset, offset + length)} is a {@link #encodeFiling filing} record. */
    static boolean isFiling(byte[] stored, int offset, int length) {
        return length > 0 && stored[offset] != REFERENCE && (stored[offset] & FILES) != 0;
    }

    /** The mod revision of the stored version at {@code stored[offset, offset + length)}; {@code CORRUPTION} if cut short. */
    static long modRevisionOf(byte[] stored, int offset, int length) {
        int pos = offset + 1;
        int end = offset + length;
        for (int field = 0; field <= MOD; field++) {
            long v = 0;
            int shift = 0;
            byte b;
            do {
                if (pos >= end) {
                    throw new KvException(ErrorCode.CORRUPTION, "malformed version record of " + length + " bytes");
                }
                b = stored[pos++];
                v |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0 && shift < 64);
            if (field == MOD) {
                return v;
            }
        }
        throw new AssertionError();
    }

    private static VersionRecord decodeVersion(byte[] in) {
        long[] f = header(in);
        return of((in[0] & TOMBSTONE) != 0, f[0], f[1], f[2], f[3], f[4], f[5], valueOf(in, f));
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
