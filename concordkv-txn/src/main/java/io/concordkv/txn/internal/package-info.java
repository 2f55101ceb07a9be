/**
 * The MVCC store's implementation: the ordered commit path
 * ({@link io.concordkv.txn.internal.CommitSequencer}), reads at a revision
 * ({@link io.concordkv.txn.internal.VersionReader}), history compaction, interactive and
 * conditional transactions.
 *
 * <p>Layout in the embedded store's key space ({@link io.concordkv.txn.internal.MvccKeys}):
 * <pre>
 *   'k' userKey             latest version of userKey (a tombstone once deleted)
 *   'h' be64(rev) userKey   an older version of userKey, whose mod revision is rev
 *   'm' "rev"               be64: the last revision committed (written by stores before 2026-11-26 only;
 *                           the last revision is now found at open from the latest versions)
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
 * <p>Thread-safety: the sequencer serialises validation, numbering and submission under one
 * commit lock and waits for fsyncs outside it; readers take no lock of this package. Lock order:
 * commit lock, then the store's own locks; the pessimistic lock table
 * ({@code io.concordkv.txn.lock}) is never taken under the commit lock.
 */
package io.concordkv.txn.internal;
