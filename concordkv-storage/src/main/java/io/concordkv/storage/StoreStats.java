package io.concordkv.storage;

/**
 * A snapshot of an embedded store's figures.
 *
 * @param keys live keys
 * @param dataBytes bytes of live keys and values
 * @param logSegments live write-ahead-log segments (0 for a persistent engine, which has no store log)
 * @param logRecords records in the log
 * @param logBytes bytes of the log
 * @param syncs fsyncs of the log since open
 * @param syncedOps write batches those fsyncs made durable (so {@code syncedOps / syncs} is writes per fsync)
 * @param syncNanos time spent in those fsyncs, in nanoseconds
 * @param compactions log compactions since open
 * @param compactionBytesSaved bytes those compactions saved
 */
public record StoreStats(long keys, long dataBytes, int logSegments, long logRecords, long logBytes,
                         long syncs, long syncedOps, long syncNanos, long compactions, long compactionBytesSaved) {
}
