/**
 * The MVCC store's implementation: the ordered commit path
 * ({@link io.concordkv.txn.internal.CommitSequencer}), reads at a revision
 * ({@link io.concordkv.txn.internal.VersionReader}), history compaction, interactive and
 * conditional transactions, store images ({@link io.concordkv.txn.internal.ImageWriter},
 * {@link io.concordkv.txn.internal.ImageReader}, {@link io.concordkv.txn.internal.ImageRestore};
 * the image format is in {@code io.concordkv.txn}).
 *
 * <p>Layout in the embedded store's key space ({@link io.concordkv.txn.internal.MvccKeys}):
 * <pre>
 *   'k' userKey             latest version of userKey (a tombstone once deleted)
 *   'h' be64(rev) userKey   an older version of userKey, whose mod revision is rev
 *   'm' "rev"               be64: the last revision committed (written by stores before 2026-11-26, and
 *                           by a restore whose image's revision no latest version carries; the last
 *                           revision is otherwise found at open from the latest versions)
 *   'm' "compact"           be64: the compacted revision (reads below it fail with COMPACTED)
 *   'm' "format"            one byte: the layout version, 1
 *   's' name                a system record (MvccStore#putSystem): unversioned, never read by ranges
 * </pre>
 * A version ({@link io.concordkv.txn.internal.VersionRecord}) is a flags byte (bit 0: tombstone),
 * six unsigned LEB128 varints (create revision, mod revision, version, lease, previous revision,
 * superseded-at revision), then the value bytes. A commit is one store batch: for each key its new
 * latest version and its replaced version under the history key; the
 * durability layer logs it as one record, so it survives a crash whole or not at all.
 *
 * <p>Files beside the embedded store's, in its directory, while an image is restored:
 * <pre>
 *   DIR/restore-image.tmp   the image being received and checked (deleted at open)
 *   DIR/restore-image       a checked image whose restore has begun; an open finishes it
 * </pre>
 *
 * <p>Thread-safety: the sequencer serialises validation, numbering and submission under one
 * commit lock and waits for fsyncs outside it; readers take no lock of this package but pass the
 * {@link io.concordkv.txn.internal.ReadGate} (optimistically, so they write no shared memory),
 * which a restore closes while it replaces the data. Lock order: the store's compaction lock,
 * its transaction pin lock, the commit lock, the read gate, then the store's own locks; the
 * pessimistic lock table ({@code io.concordkv.txn.lock}) is never taken under the commit lock.
 */
package io.concordkv.txn.internal;
