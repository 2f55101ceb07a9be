package io.concordkv.server.service;

/**
 * A node's state for status calls.
 *
 * @param memberId this member's id
 * @param clusterId the cluster's id
 * @param name this member's name
 * @param revision the current revision
 * @param compactedRevision reads below this fail with {@code COMPACTED}
 * @param appliedIndex the last applied command of the apply path
 * @param dbSizeBytes approximate bytes stored
 * @param keys approximate number of stored records (versions and metadata)
 * @param leader the member id of the leader this member knows (itself when alone; 0 for none)
 * @param raftTerm the consensus term (1 when alone)
 * @param raftIndex the consensus commit index (the applied index when alone)
 */
public record NodeStatus(long memberId, long clusterId, String name, long revision, long compactedRevision,
                         long appliedIndex, long dbSizeBytes, long keys, long leader, long raftTerm, long raftIndex) {
}
