/**
 * Snapshots of the embedded store: full point-in-time images and incremental ones chained to
 * them, each named by the log index it covers.
 *
 * <h2>Files</h2>
 * In {@code DIR/snapshots/}:
 * <pre>
 *   00000000000000004711.full    every live key at log index 4711
 *   00000000000000005200.incr    keys changed after 4711 up to 5200 (base 4711)
 *   00000000000000005900.incr    keys changed after 5200 up to 5900 (base 5200)
 *   *.tmp                        a snapshot being written; removed when the store opens
 * </pre>
 * A chain is the newest full snapshot and the incrementals that follow it, each based on the
 * one before. Recovery loads the chain, then replays the log after the chain's last index.
 *
 * <h2>Format</h2>
 * Big-endian.
 * <pre>
 *   header:  magic "CKVSNAP\1" (8) | kind u8 (1 full, 2 incremental) | index u64 | base index u64
 *            | header crc32c u32 (of the 25 bytes before)
 *   entries: kind u8 (1 put, 2 delete) | key length u32 | key | (put only) value length u32 | value
 *   trailer: kind u8 = 0 | entry count u64 | crc32c u32 of every entry byte
 * </pre>
 * Entries are in ascending key order. A snapshot is written to {@code NAME.tmp}, synced, renamed
 * and the directory synced, so a visible snapshot is always complete.
 *
 * <h2>Threads</h2>
 * {@link io.concordkv.storage.snapshot.SnapshotFile} is stateless; callers serialise writing a
 * snapshot with deleting old ones.
 */
package io.concordkv.storage.snapshot;
