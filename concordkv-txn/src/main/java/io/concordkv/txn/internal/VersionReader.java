package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.RangeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads at a revision: the latest version of a key if it is old enough, else the chain of older
 * versions ({@link VersionRecord#prevRevision}) followed back to the one that was current then.
 * Reads at the published revision need one store read per key unless a commit is being applied
 * at that moment. Thread-safe; never takes the commit lock.
 */
public final class VersionReader {
    private static final int MIN_PAGE = 64;

    private final KvStore store;
    /** The store's engine if it holds versions as objects (read without decoding or copying), else null. */
    private final VersionedEngine versions;
    private final CommitSequencer sequencer;

    public VersionReader(KvStore store, VersionedEngine versions, CommitSequencer sequencer) {
        this.store = store;
        this.versions = versions;
        this.sequencer = sequencer;
    }

    /** The version of {@code key} current at {@code revision}, if the key was live then. */
    public Optional<KeyVersion> get(Bytes key, long revision) {
        sequencer.checkReadable(revision);
        if (versions != null) {
            VersionRecord latest = versions.latest(key);
            if (latest == null) {
                return Optional.empty();
            }
            if (!latest.tombstone() && latest.modRevision() <= revision) {
                return Optional.of(toKeyVersion(key, latest));
            }
            return visible(key, latest, revision);
        }
        Optional<Bytes> stored = store.get(MvccKeys.latest(key));
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        KeyVersion fast = VersionRecord.liveAt(key, stored.get(), revision);
        if (fast != null) {
            return Optional.of(fast);
        }
        return visible(key, VersionRecord.decode(stored.get()), revision);
    }

    /** {@code key}'s version current at {@code revision} (a tombstone included), following history back from {@code latest}. */
    Optional<VersionRecord> versionAt(Bytes key, VersionRecord latest, long revision) {
        VersionRecord v = latest;
        boolean walked = false;
        while (v != null && v.modRevision() > revision) {
            walked = true;
            v = versions != null ? predecessor(versions, key, v) : predecessor(store, key, v);
        }
        if (walked) {
            // compaction may have dropped the chain under us: only trust it if the point is still readable
            sequencer.checkReadable(revision);
        }
        return Optional.ofNullable(v);
    }

    /**
     * The version {@code v} of {@code key} replaced, or null when it replaced none or compaction
     * dropped it: filed in history under {@code v}'s own mod revision ({@link MvccKeys}).
     */
    static VersionRecord predecessor(KvStore store, Bytes key, VersionRecord v) {
        if (v.prevRevision() == 0) {
            return null;
        }
        return store.get(MvccKeys.history(v.modRevision(), key)).map(VersionRecord::decode).orElse(null);
    }

    /** As {@link #predecessor(KvStore, Bytes, VersionRecord)}, from an engine of version objects. */
    static VersionRecord predecessor(VersionedEngine versions, Bytes key, VersionRecord v) {
        return v.prevRevision() == 0 ? null : versions.history(MvccKeys.history(v.modRevision(), key));
    }

    private Optional<KeyVersion> visible(Bytes key, VersionRecord latest, long revision) {
        return versionAt(key, latest, revision).filter(v -> !v.tombstone()).map(v -> toKeyVersion(key, v));
    }

    /**
     * The keys live in {@code range} at {@code revision}, honouring its limit and direction.
     * Tombstones and versions newer than the revision are skipped, so the store is read in pages
     * until the limit is filled.
     */
    public RangeResult range(ScanRange range, long revision) {
        sequencer.checkReadable(revision);
        int limit = range.limit();
        List<KeyVersion> out = new ArrayList<>();
        ScanRange page = range.withLimit(limit == 0 ? 0 : Math.max(MIN_PAGE, limit + 1));
        while (true) {
            List<KeyValue> batch = store.scan(MvccKeys.latestRange(page));
            for (KeyValue kv : batch) {
                Bytes key = MvccKeys.userKeyOfLatest(kv.key());
                Optional<KeyVersion> v = visible(key, VersionRecord.decode(kv.value()), revision);
                if (v.isPresent()) {
                    if (limit > 0 && out.size() == limit) {
                        return new RangeResult(out, true, revision);
                    }
                    out.add(v.get());
                }
            }
            if (page.limit() == 0 || batch.size() < page.limit()) {
                return new RangeResult(out, false, revision);
            }
            page = nextPage(page, MvccKeys.userKeyOfLatest(batch.get(batch.size() - 1).key()));
        }
    }

    private static ScanRange nextPage(ScanRange page, Bytes last) {
        ScanRange next;
        if (page.isReverse()) {
            next = ScanRange.between(page.start(), last).reversed();
        } else {
            Bytes after = Bytes.wrap(java.util.Arrays.copyOf(last.unsafeArray(), last.length() + 1));
            next = page.end().map(end -> ScanRange.between(after, end)).orElse(ScanRange.from(after));
        }
        return next.withLimit(page.limit());
    }

    static KeyVersion toKeyVersion(Bytes key, VersionRecord v) {
        return new KeyVersion(key, v.value(), v.createRevision(), v.modRevision(), v.version(), v.lease());
    }
}
