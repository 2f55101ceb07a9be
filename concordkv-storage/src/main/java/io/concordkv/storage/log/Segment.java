package io.concordkv.storage.log;

import java.nio.file.Path;

/**
 * A live segment of a log.
 *
 * @param file the segment file
 * @param firstIndex the first index it may hold (from its name and header)
 * @param lastIndex its last record's index, or {@code firstIndex - 1} while empty
 * @param records the number of records in it
 * @param bytes its size in bytes
 */
public record Segment(Path file, long firstIndex, long lastIndex, long records, long bytes) {
}
