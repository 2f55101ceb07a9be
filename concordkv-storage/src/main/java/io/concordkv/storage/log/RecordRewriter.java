package io.concordkv.storage.log;

/**
 * Decides what log compaction keeps. {@link SegmentedLog#rewriteSealed(RecordRewriter)} first
 * shows the rewriter every record of the sealed segments in order, then asks it, record by record
 * in the same order, what to write in the record's place. A rewriter that asks for it
 * ({@link #wantsPreview}) is shown every record once more before that, in the same order: a pass
 * to learn what comes later in the log before the first pass.
 */
public interface RecordRewriter {

    /** Whether {@link #preview} should see every record before the first pass. */
    default boolean wantsPreview() {
        return false;
    }

    /** Preview pass (only if {@link #wantsPreview}): sees every record, oldest first. */
    default void preview(LogRecord record) {
    }

    /** First pass: sees every record, oldest first. */
    void observe(LogRecord record);

    /**
     * Second pass: the payload to keep for {@code record} (the same, or a smaller one), or
     * {@code null} to drop the record entirely. Index and type are kept.
     */
    byte[] rewrite(LogRecord record);
}
