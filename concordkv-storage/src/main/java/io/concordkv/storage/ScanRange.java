package io.concordkv.storage;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.util.Optional;

/**
 * A key range for {@link StorageEngine#scan(ScanRange)}: {@code start} inclusive, {@code end}
 * exclusive (absent = unbounded), at most {@code limit} entries (0 = no limit), ascending or
 * reversed. Immutable; the {@code with...} methods return modified copies.
 */
public final class ScanRange {
    private static final ScanRange ALL = new ScanRange(Bytes.EMPTY, null, 0, false);

    private final Bytes start;
    private final Bytes end;
    private final int limit;
    private final boolean reverse;

    private ScanRange(Bytes start, Bytes end, int limit, boolean reverse) {
        if (limit < 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "scan limit must be >= 0, got " + limit);
        }
        if (end != null && start.compareTo(end) > 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT,
                "scan start " + start + " is after end " + end);
        }
        this.start = start;
        this.end = end;
        this.limit = limit;
        this.reverse = reverse;
    }

    /** Every key. */
    public static ScanRange all() {
        return ALL;
    }

    /** Keys from {@code start} (inclusive) to {@code end} (exclusive). */
    public static ScanRange between(Bytes start, Bytes end) {
        return new ScanRange(start, end, 0, false);
    }

    /** Keys from {@code start} (inclusive) to the last key. */
    public static ScanRange from(Bytes start) {
        return new ScanRange(start, null, 0, false);
    }

    /** Every key that starts with {@code prefix}. */
    public static ScanRange prefix(Bytes prefix) {
        return new ScanRange(prefix, prefixEnd(prefix).orElse(null), 0, false);
    }

    /**
     * The smallest key greater than every key with {@code prefix}: the prefix with its last
     * non-0xFF byte incremented, or empty when every byte is 0xFF (no upper bound).
     */
    public static Optional<Bytes> prefixEnd(Bytes prefix) {
        byte[] bytes = prefix.toByteArray();
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != (byte) 0xFF) {
                bytes[i]++;
                return Optional.of(Bytes.copyOf(bytes, 0, i + 1));
            }
        }
        return Optional.empty();
    }

    public ScanRange withLimit(int newLimit) {
        return new ScanRange(start, end, newLimit, reverse);
    }

    public ScanRange reversed() {
        return new ScanRange(start, end, limit, !reverse);
    }

    /** Inclusive lower bound; {@link Bytes#EMPTY} means from the first key. */
    public Bytes start() {
        return start;
    }

    /** Exclusive upper bound, absent when unbounded. */
    public Optional<Bytes> end() {
        return Optional.ofNullable(end);
    }

    /** Maximum entries to return; 0 means no limit. */
    public int limit() {
        return limit;
    }

    public boolean isReverse() {
        return reverse;
    }

    /** Whether {@code key} lies inside the bounds (ignoring limit and direction). */
    public boolean contains(Bytes key) {
        return key.compareTo(start) >= 0 && (end == null || key.compareTo(end) < 0);
    }

    /** Whether {@code key} is at or past the end bound. */
    public boolean isPastEnd(Bytes key) {
        return end != null && key.compareTo(end) >= 0;
    }

    @Override
    public String toString() {
        return "ScanRange[" + start + ", " + (end == null ? "+inf" : end.toString()) + ") limit=" + limit
            + (reverse ? " reverse" : "");
    }
}
