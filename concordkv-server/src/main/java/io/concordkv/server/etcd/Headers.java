package io.concordkv.server.etcd;

import io.concordkv.server.service.KvService;
import io.etcd.jetcd.api.ResponseHeader;

/**
 * Response headers: cluster and member ids, the revision and the raft term (1 for a single node
 * without consensus). Thread-safe.
 */
final class Headers {
    /** The raft term a standalone node reports. */
    static final long TERM = 1;

    private final KvService service;
    private final long clusterId;
    private final long memberId;

    Headers(KvService service) {
        this.service = service;
        var status = service.status();
        this.clusterId = status.clusterId();
        this.memberId = status.memberId();
    }

    ResponseHeader at(long revision) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId).setRevision(revision)
            .setRaftTerm(TERM).build();
    }

    ResponseHeader current() {
        return at(service.watches().revision());
    }

    long memberId() {
        return memberId;
    }

    long clusterId() {
        return clusterId;
    }
}
