package io.concordkv.client;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.util.Objects;

/**
 * What a watch observes: one key, a prefix or a range, from a start revision.
 *
 * @param key the key, or the start of the range
 * @param rangeEnd exclusive end of the range, empty for a single key
 * @param startRevision first revision to report, 0 for "changes after now"
 * @param prevKv report each event's previous key-value
 */
public record WatchOptions(Bytes key, Bytes rangeEnd, long startRevision, boolean prevKv) {
    public WatchOptions {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        if (key.isEmpty()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "key is empty");
        }
        if (startRevision < 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "startRevision must be >= 0");
        }
    }

    /** Watches one key. */
    public static WatchOptions key(Bytes key) {
        return new WatchOptions(key, Bytes.EMPTY, 0, false);
    }

    /** Watches every key starting with {@code prefix}. */
    public static WatchOptions prefix(Bytes prefix) {
        return new WatchOptions(prefix, KeyRanges.prefixEnd(prefix), 0, false);
    }

    /** Watches the keys in {@code [from, to)}. */
    public static WatchOptions range(Bytes from, Bytes to) {
        return new WatchOptions(from, to, 0, false);
    }

    /** A copy that starts at {@code revision} (events at older revisions are replayed). */
    public WatchOptions fromRevision(long revision) {
        return new WatchOptions(key, rangeEnd, revision, prevKv);
    }

    /** A copy that reports previous key-values. */
    public WatchOptions withPrevKv() {
        return new WatchOptions(key, rangeEnd, startRevision, true);
    }
}
