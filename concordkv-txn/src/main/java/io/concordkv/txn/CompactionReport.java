package io.concordkv.txn;

/**
 * What a history compaction did.
 *
 * @param requested the revision asked for
 * @param revision the revision compacted to: the one asked for, or lower when an open
 *     transaction still reads older revisions
 * @param versionsRemoved old versions dropped
 * @param tombstonesRemoved deleted keys whose last trace was dropped
 */
public record CompactionReport(long requested, long revision, long versionsRemoved, long tombstonesRemoved) {
}
