package io.concordkv.storage.log;

/**
 * One record of a {@link SegmentedLog}.
 *
 * @param index the record's position in the log, strictly increasing
 * @param type an application-defined record type
 * @param payload the record's bytes (owned by the record; do not modify)
 */
public record LogRecord(long index, byte type, byte[] payload) {
}
