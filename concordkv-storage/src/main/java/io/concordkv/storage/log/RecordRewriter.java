package io.concordkv.storage.log;

/**
 * Decides what log compaction keeps. {@link SegmentedLog#rewriteSealed(RecordRewriter)} first
 * shows the rewriter every record of the sealed segments in order, then asks it, record by record
 * in the same order, what to write in the record's place.
 */
public interface RecordRewriter {

    /** First pass: sees every record, oldest first. */
    void observe(LogRecord record);

    /**
     * Second pass: the payload to keep for {@code record} (the same, or a smaller one), or
     * {@code null} to drop the record entirely. Index and type are kept.
     */
    byte[] rewrite(LogRecord record);
}
