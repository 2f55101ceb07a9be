/**
 * A segmented, checksummed, append-only log of records: the write-ahead log of the embedded store
 * now and the Raft log later. It knows nothing of keys or values; a record is a type byte, a
 * 64-bit index and an opaque payload.
 *
 * <h2>Files</h2>
 * A log directory holds segment files and one manifest:
 * <pre>
 *   00000000000000000001-0000.wal    segment: first index 1, generation 0
 *   00000000000000052718-0000.wal    the next segment, after rotation
 *   00000000000000000001-0001.wal    a compacted rewrite of older segments (generation 1)
 *   MANIFEST                         the live segments, in log order
 * </pre>
 * Segment names are {@code <first index, 20 digits>-<generation, 4 digits>.wal}, so a listing
 * sorts in log order. The manifest is the truth about which segments are live; a segment file
 * not in it (left by a crash during rotation or compaction) is deleted when the log opens.
 *
 * <h2>Segment format</h2>
 * All integers big-endian. A 24-byte header, then records back to back:
 * <pre>
 *   header:  magic "CKVWAL\0\1" (8) | first index u64 | generation u32 | crc32c u32 of the 20 bytes before
 *   record:  length u32 | crc32c u32 | type u8 | index u64 | payload (length - 9 bytes)
 * </pre>
 * {@code length} counts type, index and payload; the record's CRC32C covers the four length bytes
 * and the {@code length} bytes after the CRC. Indexes strictly increase within and across
 * segments; they are consecutive except across records dropped by compaction.
 *
 * <p>The active segment is written ahead of its end with zeros, 1 MiB at a time (see
 * {@link io.concordkv.storage.fs.FileIo#openLog}), so that appends overwrite allocated space and
 * an fdatasync flushes data without a change of file size to journal. Sealing a segment (rotation,
 * close) cuts the zeros off and syncs the cut before the manifest moves on, so only the last
 * segment of a log left by a crash ends in zeros: a run of zeros from a record boundary to the end
 * of that segment is unused space, cut off quietly when the log opens.
 *
 * <h2>Manifest format</h2>
 * UTF-8 text, one segment file name per line after the line {@code concordkv-wal-manifest 1}, and a
 * last line {@code crc32c <8 hex digits>} over every byte before it. Replaced atomically: written
 * to {@code MANIFEST.tmp}, synced, renamed over {@code MANIFEST}, directory synced.
 *
 * <h2>Recovery</h2>
 * Opening reads every live segment and checks every record. A bad record (short, wrong length or
 * wrong checksum) that reaches the end of the last segment, or the run of zeros that ends it, is a
 * torn write: the segment is
 * truncated before it and the report says so (a record that was synced and then rotted in
 * place at the very end is indistinguishable from a torn write). A bad record anywhere else is
 * corruption: opening fails with {@code CORRUPTION}, the file and the offset, unless salvage is
 * asked for, in which case the valid prefix of the log is kept and everything after the bad
 * record is dropped and reported.
 *
 * <h2>Threads</h2>
 * {@link io.concordkv.storage.log.SegmentedLog} has one writer at a time (append, write, sync,
 * rotation); reading sealed segments and compaction may run on another thread.
 */
package io.concordkv.storage.log;
