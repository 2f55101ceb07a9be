package io.concordkv.client;

/**
 * The status one server reports about itself.
 *
 * @param endpoint the endpoint that answered
 * @param version server version string
 * @param dbSize size of the backend database in bytes
 * @param memberId id of the member that answered
 * @param leader id of the member it believes is leader
 * @param raftIndex its raft index
 * @param raftTerm its raft term
 * @param revision its store revision
 * @param raftAppliedIndex the raft index it has applied (etcd's {@code raft_applied_index}; 0 from a
 *     server that does not report it)
 */
public record EndpointStatus(Endpoint endpoint, String version, long dbSize, long memberId, long leader,
                             long raftIndex, long raftTerm, long revision, long raftAppliedIndex) {
}
