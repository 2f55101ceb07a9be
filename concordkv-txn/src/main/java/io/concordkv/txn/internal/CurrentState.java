package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import java.util.Map;
import java.util.Optional;

/**
 * The newest version of each key: a commit that is submitted but not yet applied (kept by
 * {@link CommitSequencer}) first, else the store. Meant for validation and commit building under
 * the commit lock, where it is exact; elsewhere it is a moment's view.
 */
public final class CurrentState {
    private final KvStore store;
    /** The store's engine if it holds versions as objects (read without decoding), else null. */
    private final VersionedEngine versions;
    private final Map<Bytes, VersionRecord> inFlight;
    /**
     * Versions already looked up during the current commit (validation and batch building read
     * the same keys); valid only under the commit lock, cleared by {@link #beginCommit}.
     */
    private final Map<Bytes, Optional<VersionRecord>> memo = new java.util.HashMap<>();
    /** The thread holding the commit lock while the memo is in use; other threads bypass it. */
    private Thread memoOwner;

    CurrentState(KvStore store, VersionedEngine versions, Map<Bytes, VersionRecord> inFlight) {
        this.store = store;
        this.versions = versions;
        this.inFlight = inFlight;
    }

    /** Called under the commit lock before a commit (or exclusive task) reads the state. */
    void beginCommit() {
        memo.clear();
        memoOwner = Thread.currentThread();
    }

    /** Called under the commit lock when the commit is done with the state. */
    void endCommit() {
        memo.clear();
        memoOwner = null;
    }

    /** The newest version of {@code key}, a tombstone included. */
    public Optional<VersionRecord> latest(Bytes key) {
        return latest(key, null);
    }

    /**
     * As {@link #latest(Bytes)}, reading the store under {@code storeKey} (the key's
     * {@link MvccKeys#latest}, or null to make one): a commit that writes the key again under the
     * same object saves a copy, and the store finds the key's hash already computed.
     */
    Optional<VersionRecord> latest(Bytes key, Bytes storeKey) {
        if (memoOwner != Thread.currentThread()) {
            return lookup(key, storeKey);
        }
        Optional<VersionRecord> known = memo.get(key);
        if (known == null) {
            known = lookup(key, storeKey);
            memo.put(key, known);
        }
        return known;
    }

    private Optional<VersionRecord> lookup(Bytes key, Bytes storeKey) {
        if (!inFlight.isEmpty()) {
            VersionRecord pending = inFlight.get(key);
            if (pending != null) {
                return Optional.of(pending);
            }
        }
        if (versions != null) {
            return Optional.ofNullable(versions.latest(key));
        }
        return store.get(storeKey != null ? storeKey : MvccKeys.latest(key)).map(VersionRecord::decode);
    }

    /** Mod revision of the newest version of {@code key} (a delete counts), 0 if it never existed. */
    public long modRevision(Bytes key) {
        return latest(key).map(VersionRecord::modRevision).orElse(0L);
    }

    /**
     * The live keys of {@code range} in the newest state (commits in flight included), honouring
     * its limit and direction; {@code more} says whether the limit cut the answer.
     */
    public io.concordkv.txn.RangeResult range(ScanRange range, long revision) {
        java.util.TreeMap<Bytes, VersionRecord> newest = new java.util.TreeMap<>();
        for (KeyValue kv : store.scan(MvccKeys.latestRange(range.withLimit(0)))) {
            newest.put(MvccKeys.userKeyOfLatest(kv.key()), VersionRecord.decode(kv.value()));
        }
        for (Map.Entry<Bytes, VersionRecord> e : inFlight.entrySet()) {
            if (range.contains(e.getKey())) {
                newest.put(e.getKey(), e.getValue());
            }
        }
        java.util.List<io.concordkv.txn.KeyVersion> out = new java.util.ArrayList<>();
        for (Map.Entry<Bytes, VersionRecord> e : range.isReverse() ? newest.descendingMap().entrySet()
            : newest.entrySet()) {
            if (!e.getValue().tombstone()) {
                out.add(VersionReader.toKeyVersion(e.getKey(), e.getValue()));
            }
        }
        int limit = range.limit();
        boolean more = limit > 0 && out.size() > limit;
        return new io.concordkv.txn.RangeResult(more ? out.subList(0, limit) : out, more, revision);
    }

    /**
     * Whether any key in {@code range} was written (put or deleted) after {@code revision}:
     * a phantom check for range reads.
     */
    public boolean changedAfter(ScanRange range, long revision) {
        for (Map.Entry<Bytes, VersionRecord> e : inFlight.entrySet()) {
            if (range.contains(e.getKey()) && e.getValue().modRevision() > revision) {
                return true;
            }
        }
        for (KeyValue kv : store.scan(MvccKeys.latestRange(range.withLimit(0)))) {
            if (VersionRecord.modRevisionOf(kv.value()) > revision) {
                return true;
            }
        }
        return false;
    }
}
