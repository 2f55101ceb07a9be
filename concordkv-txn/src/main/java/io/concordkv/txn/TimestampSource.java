package io.concordkv.txn;

/**
 * Where commit timestamps (revisions) come from: a local counter for one store
 * ({@link LocalTimestampSource}), a cluster-wide oracle later. The MVCC store calls
 * {@link #next} only under its commit lock, so calls are never concurrent for one store.
 */
public interface TimestampSource {
    /** A timestamp greater than every one returned before. */
    long next();

    /** The last timestamp returned (or passed to {@link #advancePast}); 0 at first. */
    long last();

    /** Makes every later {@link #next} greater than {@code timestamp}; used by recovery. */
    void advancePast(long timestamp);

    /**
     * Makes {@link #last} return {@code timestamp}, which may be lower than it was: the store's
     * state was replaced by an image taken at {@code timestamp} ({@link MvccStore#restoreImage}),
     * and its next commit must be {@code timestamp + 1} on every member that holds the image.
     */
    void reset(long timestamp);
}
