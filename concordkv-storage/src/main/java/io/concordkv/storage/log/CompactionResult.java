package io.concordkv.storage.log;

/**
 * What one rewrite of the sealed segments did.
 *
 * @param segmentsBefore sealed segments replaced
 * @param recordsBefore records they held
 * @param bytesBefore their size
 * @param recordsAfter records in the rewritten segment
 * @param bytesAfter its size
 */
public record CompactionResult(int segmentsBefore, long recordsBefore, long bytesBefore,
                               long recordsAfter, long bytesAfter) {
    /** A rewrite that found nothing to do. */
    public static final CompactionResult NOTHING = new CompactionResult(0, 0, 0, 0, 0);

    public long bytesSaved() {
        return bytesBefore - bytesAfter;
    }
}
