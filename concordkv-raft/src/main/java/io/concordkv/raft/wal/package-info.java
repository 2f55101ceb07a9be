/**
 * A Raft member's durable state: {@link io.concordkv.raft.wal.SegmentedRaftLog} writes hard
 * state, log entries and snapshot markers to a segmented write-ahead log (the storage module's
 * {@link io.concordkv.storage.log.SegmentedLog}) and snapshot images to files, and keeps the
 * {@link io.concordkv.raft.core.MemoryStorage} the core reads current. Nothing reaches that
 * storage before it is written to the log (and synced, when the caller asks).
 *
 * <h2>Files</h2>
 * <pre>
 *   DIR/LOCK                                          held while open (one process per member)
 *   DIR/wal/MANIFEST, DIR/wal/NNN...-GGGG.wal         the segmented log (format: storage.log)
 *   DIR/snap/TTTTTTTTTTTTTTTT-IIIIIIIIIIIIIIII.snap   snapshot image: term and index, 16 lowercase hex digits each
 *   DIR/snap/*.snap.tmp                               a snapshot being written; deleted at open
 *   DIR/snap/*.snap.broken                            a damaged snapshot set aside at open; never read again
 * </pre>
 *
 * <h2>Write-ahead log records</h2>
 * Each is one record of the segmented log (its own CRC32C, type byte and record index, which is
 * not a Raft index). Payloads, big-endian:
 * <pre>
 *   1 ENTRY       term u64 | index u64 | entry type u8 (0 normal, 1 conf change) | data (the rest)
 *   2 HARD_STATE  term u64 | vote u64 | commit u64
 *   3 SNAPSHOT    kind u8 (1 this member's own snapshot, 2 installed from a leader) | META
 *   META          index u64 | term u64 | voter count u32 | voter ids u64... | learner count u32 | learner ids u64...
 * </pre>
 * A SNAPSHOT record is a marker: it is written (and synced) only after the image file with that
 * metadata is durable, so a snapshot file without a marker (a crash in between) is ignored and
 * deleted at open. Markers' indexes strictly increase through the log.
 *
 * <h2>Snapshot files</h2>
 * <pre>
 *   magic "CKVRSNP\1" (8) | META length u32 | META | image length u64 | crc32c u32 of every byte before it
 *   image bytes | crc32c u32 of the image
 * </pre>
 * Written to {@code NAME.tmp}, fsynced, renamed, directory fsynced. The newest
 * {@link io.concordkv.raft.wal.RaftLogOptions#snapshotsKept()} files (default 2) are kept; an
 * installed snapshot supersedes every older one at once (the log they would need is gone).
 *
 * <h2>Replay</h2>
 * Records are replayed in log order onto a base snapshot, as the live log evolved: an entry
 * replaces the entry at its index and every entry after it (a new leader overwrote the suffix);
 * entries at or below the snapshot reached so far are skipped; an own snapshot's marker drops the
 * entries it covers, an installed one's drops the whole log. The last HARD_STATE wins (its commit
 * is raised to the snapshot index if a crash came between an installed snapshot and the hard state
 * after it). The base is the newest marked snapshot whose file is intact; if it is damaged or
 * missing, opening falls back to an older kept snapshot, and finally to no snapshot, but only when
 * the log still holds every entry from there on with, at each newer marker's index, the term that
 * marker names (so the rebuilt log is the one the newer snapshot was taken from). Otherwise opening
 * fails with {@code CORRUPTION}, naming the damaged file and why each fallback was refused. A
 * damaged file is renamed {@code .broken} once a fallback succeeds.
 *
 * <h2>Purge</h2>
 * Each snapshot seals the active segment. For each kept snapshot the log remembers its floor: the
 * first log record a replay from it needs (the record of the entry right after it, or the marker
 * itself when none follows). Sealed segments wholly below the least floor are deleted with
 * {@code dropBefore}; the current hard state is appended again first when its record lies below
 * the cut. Markers of kept snapshots never lie below it (a floor is at most its own marker), so the
 * surviving segments always replay to the same state. With two snapshots kept, the log therefore
 * reaches back to the older one, which is what makes the fallback above possible.
 *
 * <h2>Invariants</h2>
 * Live entries' record indexes increase with their Raft index; entries are written before the
 * hard state of the same call (a torn tail never keeps a commit index without its entries); one
 * fsync of the active segment per synced call (rotation, once per segment, adds its own).
 *
 * <h2>Threads</h2>
 * Not thread-safe: one writer thread (the runtime's event loop) calls every method of
 * {@link io.concordkv.raft.wal.SegmentedRaftLog}; the core reads its storage on the same thread
 * (the storage is synchronized, so other readers are safe too). After an I/O error every later
 * write fails.
 */
package io.concordkv.raft.wal;
