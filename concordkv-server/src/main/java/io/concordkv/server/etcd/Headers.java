package io.concordkv.server.etcd;

import io.concordkv.server.service.KvService;
import io.concordkv.server.service.Replication;
import io.etcd.jetcd.api.ResponseHeader;

/**
 * Response headers: cluster and member ids, the revision and the raft term (a cluster member's
 * current term; 1 for a single node without consensus). Thread-safe.
 */
final class Headers {
    private final KvService service;
    private final Replication replication;
    private final long clusterId;
    private final long memberId;

    Headers(KvService service, Replication replication) {
        this.service = service;
        this.replication = replication;
        var status = service.status();
        this.clusterId = status.clusterId();
        this.memberId = status.memberId();
    }

    ResponseHeader at(long revision) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId).setRevision(revision)
            .setRaftTerm(replication.raftTerm()).build();
    }

    ResponseHeader current() {
        return at(service.watches().revision());
    }

    /** The header of the Cluster service's answers: etcd's carries no revision there. */
    ResponseHeader membership() {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId)
            .setRaftTerm(replication.raftTerm()).build();
    }

    long memberId() {
        return memberId;
    }

    long clusterId() {
        return clusterId;
    }
}
