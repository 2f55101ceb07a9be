package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.ChangeEvent;
import io.concordkv.txn.KeyVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Change events: built from a commit's versions as it happens, or read back from the stored
 * versions for a revision interval (a watcher that starts in the past). Stateless.
 */
public final class ChangeEvents {
    private static final Comparator<ChangeEvent> ORDER =
        Comparator.comparingLong(ChangeEvent::revision).thenComparing(e -> e.kv().key());

    private ChangeEvents() {
    }

    /** The event of a commit that wrote {@code next} over {@code old} (null when the key was new). */
    static ChangeEvent of(Bytes key, VersionRecord next, VersionRecord old) {
        Optional<KeyVersion> prev = old == null || old.tombstone()
            ? Optional.empty() : Optional.of(VersionReader.toKeyVersion(key, old));
        return new ChangeEvent(next.tombstone(), eventKv(key, next), prev);
    }

    private static KeyVersion eventKv(Bytes key, VersionRecord v) {
        return v.tombstone() ? new KeyVersion(key, Bytes.EMPTY, 0, v.modRevision(), 0, 0)
            : VersionReader.toKeyVersion(key, v);
    }

    /**
     * Every change to a key in {@code keys} with a revision in {@code [from, to]}, in revision
     * order (key order within one revision). The caller has checked that {@code from} is above the
     * compacted revision and {@code to} is visible. Reads the latest versions of the range and
     * the history keys of versions replaced after {@code from}: fast on ordered engines, a full
     * sort on {@code hash}.
     */
    public static List<ChangeEvent> read(KvStore store, ScanRange keys, long from, long to) {
        List<ChangeEvent> out = new ArrayList<>();
        for (KeyValue kv : store.scan(MvccKeys.latestRange(keys.withLimit(0)))) {
            long mod = VersionRecord.modRevisionOf(kv.value());
            if (mod >= from && mod <= to) {
                out.add(stored(store, MvccKeys.userKeyOfLatest(kv.key()), VersionRecord.decode(kv.value())));
            }
        }
        // history sorts by the revision that replaced a version: one made at or after from was
        // replaced after from; the filter drops those made before from, or after to
        for (KeyValue kv : store.scan(MvccKeys.historyRange(from + 1, Long.MAX_VALUE))) {
            Bytes key = MvccKeys.userKeyOfHistory(kv.key());
            if (keys.contains(key)) {
                long mod = VersionRecord.modRevisionOf(kv.value());
                if (mod >= from && mod <= to) {
                    out.add(stored(store, key, VersionRecord.decode(kv.value())));
                }
            }
        }
        out.sort(ORDER);
        return out;
    }

    private static ChangeEvent stored(KvStore store, Bytes key, VersionRecord v) {
        Optional<KeyVersion> prev = Optional.ofNullable(VersionReader.predecessor(store, key, v))
            .filter(p -> !p.tombstone()).map(p -> VersionReader.toKeyVersion(key, p));
        return new ChangeEvent(v.tombstone(), eventKv(key, v), prev);
    }
}
