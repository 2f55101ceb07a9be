package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.LogDependencies;
import io.concordkv.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The records of a store's log that file a version in history without holding it, as
 * {@link VersionedEngine} reads them: {@link VersionRecord#reference references} under history
 * keys (what logs held before filing records), and {@link VersionRecord#encodeFiling filing}
 * records under latest keys (the next version, which files the one it replaces). Recognising and
 * decoding them, checking a batch's references against the latest versions before it is applied,
 * and naming both to log compaction as dependent records.
 */
final class References {
    /**
     * A reference under a history key depends on the last operation on its key's {@code 'k'} key;
     * a filing record under a {@code 'k'} key ({@link VersionRecord#encodeFiling}) on the last
     * operation on that key, for as long as the history key it files under lasts.
     */
    static final LogDependencies DEPENDENCIES = new LogDependencies() {
        @Override
        public byte[] dependency(byte[] payload, int keyOffset, int keyLength, int valueOffset, int valueLength) {
            if (keyLength > 0 && payload[keyOffset] == MvccKeys.LATEST) {
                return VersionRecord.isFiling(payload, valueOffset, valueLength)
                    ? Arrays.copyOfRange(payload, keyOffset, keyOffset + keyLength) : null;
            }
            return References.dependency(payload, keyOffset, keyLength, valueOffset, valueLength);
        }

        @Override
        public byte[] alsoWrites(byte[] payload, int keyOffset, int keyLength, int valueOffset, int valueLength) {
            if (keyLength == 0 || payload[keyOffset] != MvccKeys.LATEST
                || !VersionRecord.isFiling(payload, valueOffset, valueLength)) {
                return null;
            }
            return filedUnder(Bytes.copyOf(payload, keyOffset, keyLength),
                VersionRecord.modRevisionOf(payload, valueOffset, valueLength));
        }

        @Override
        public byte[] alsoWrites(Bytes key, Bytes value) {
            if (!VersionedEngine.isLatestKey(key) || !isFiling(value)) {
                return null;
            }
            return filedUnder(key, VersionRecord.modRevisionOf(value.unsafeArray(), 0, value.length()));
        }
    };

    private References() {
    }

    /** The history key a filing record under {@code latestKey} with mod revision {@code revision} files under. */
    private static byte[] filedUnder(Bytes latestKey, long revision) {
        return MvccKeys.history(revision, MvccKeys.userKeyOfLatest(latestKey)).unsafeArray();
    }

    static boolean isFiling(Bytes value) {
        return VersionRecord.isFiling(value.unsafeArray(), 0, value.length());
    }

    private static byte[] dependency(byte[] payload, int keyOffset, int keyLength, int valueOffset, int valueLength) {
        int prefix = VersionedEngine.HISTORY_KEY_MIN;
        if (keyLength < prefix || payload[keyOffset] != MvccKeys.HISTORY
            || !VersionRecord.isReference(payload, valueOffset, valueLength)) {
            return null;
        }
        byte[] on = new byte[keyLength - prefix + 1];
        on[0] = MvccKeys.LATEST;
        System.arraycopy(payload, keyOffset + prefix, on, 1, keyLength - prefix);
        return on;
    }

    /**
     * A logged batch decoded before it is applied: per op, the version a put of a version key
     * holds (null for the others and for references), the mod revision a reference names (0 for
     * the others; null when there is no reference), and whether it is a filing record (null when
     * there is none).
     */
    record Decoded(List<VersionRecord> versions, long[] references, boolean[] filing) {
    }

    /** Decodes every record of {@code batch}; {@code CORRUPTION} (and nothing applied) if one is malformed. */
    static Decoded decode(WriteBatch batch) {
        List<VersionRecord> decoded = new ArrayList<>(batch.size());
        long[] references = null;
        boolean[] filing = null;
        for (int i = 0; i < batch.size(); i++) {
            WriteBatch.Op op = batch.ops().get(i);
            if (op instanceof WriteBatch.Put p && VersionedEngine.isLatestKey(p.key()) && isFiling(p.value())) {
                if (filing == null) {
                    filing = new boolean[batch.size()];
                }
                filing[i] = true;
                decoded.add(decode(p.key(), p.value(), true));
            } else if (op instanceof WriteBatch.Put p && VersionedEngine.isHistoryKey(p.key()) && isReference(p.value())) {
                if (references == null) {
                    references = new long[batch.size()];
                }
                references[i] = referenced(p.key(), p.value());
                decoded.add(null);
            } else {
                decoded.add(op instanceof WriteBatch.Put p
                    && (VersionedEngine.isLatestKey(p.key()) || VersionedEngine.isHistoryKey(p.key()))
                    ? decode(p.key(), p.value(), false) : null);
            }
        }
        return new Decoded(decoded, references, filing);
    }

    /** {@code filing}: the record is a {@link VersionRecord#encodeFiling filing} one, of which the version is decoded. */
    private static VersionRecord decode(Bytes key, Bytes value, boolean filing) {
        if (VersionedEngine.isHistoryKey(key) && key.length() < VersionedEngine.HISTORY_KEY_MIN) {
            throw new KvException(ErrorCode.CORRUPTION, "history key " + key.toHex() + " is too short to name a revision");
        }
        try {
            return filing ? VersionRecord.decodeLogged(value) : VersionRecord.decode(value);
        } catch (KvException e) {
            throw new KvException(ErrorCode.CORRUPTION, "record under " + key.toHex() + ": " + e.getMessage(), e);
        }
    }

    static boolean isReference(Bytes value) {
        return VersionRecord.isReference(value.unsafeArray(), 0, value.length());
    }

    /** The mod revision the reference {@code value} under {@code key} names; {@code CORRUPTION} if malformed. */
    static long referenced(Bytes key, Bytes value) {
        if (key.length() < VersionedEngine.HISTORY_KEY_MIN) {
            throw new KvException(ErrorCode.CORRUPTION, "history key " + key.toHex() + " is too short to name a revision");
        }
        try {
            return VersionRecord.referenced(value);
        } catch (KvException e) {
            throw new KvException(ErrorCode.CORRUPTION, "record under " + key.toHex() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The engine's writer, before applying {@code batch} ({@code decoded}: its records, null for the
     * references; {@code references}: per op, the mod revision a reference names, else 0) to the
     * table {@code latest}: every reference in it must name the latest version its key will have
     * when the reference is applied (after the ops before it in the batch), else {@code CORRUPTION}
     * and nothing is applied.
     */
    static void check(WriteBatch batch, List<VersionRecord> decoded, long[] references, LatestTable latest) {
        // the latest versions the batch's own ops leave before each reference (null value: none),
        // and its range deletes; made only when such an op comes before a reference (a commit's
        // batch of one key has none: a reference, then the key's new version)
        Map<Bytes, VersionRecord> ahead = null;
        List<WriteBatch.DeleteRange> ranges = null;
        int last = references.length - 1;
        while (references[last] == 0) {
            last--;
        }
        for (int i = 0; i <= last; i++) {
            WriteBatch.Op op = batch.ops().get(i);
            if (references[i] != 0) {
                Bytes userKey = MvccKeys.userKeyOfHistory(op.key());
                VersionRecord v;
                if (ahead != null && ahead.containsKey(userKey)) {
                    v = ahead.get(userKey);
                } else if (ranges != null && ranges.stream().anyMatch(r -> r.contains(MvccKeys.latest(userKey)))) {
                    v = null;
                } else {
                    v = latest.get(userKey);
                }
                if (v == null || v.modRevision() != references[i]) {
                    throw new KvException(ErrorCode.CORRUPTION, "the record under " + op.key().toHex()
                        + " files the version of revision " + references[i] + " of its key, whose latest version is "
                        + (v == null ? "none" : "of revision " + v.modRevision()));
                }
            } else if (VersionedEngine.isLatestKey(op.key()) && !(op instanceof WriteBatch.DeleteRange)) {
                if (ahead == null) {
                    ahead = new java.util.HashMap<>();
                }
                ahead.put(MvccKeys.userKeyOfLatest(op.key()), op instanceof WriteBatch.Put ? decoded.get(i) : null);
            } else if (op instanceof WriteBatch.DeleteRange r) {
                if (ranges == null) {
                    ranges = new ArrayList<>();
                }
                ranges.add(r);
                if (ahead != null) {
                    ahead.replaceAll((k, v) -> r.contains(MvccKeys.latest(k)) ? null : v);
                }
            }
        }
    }
}
