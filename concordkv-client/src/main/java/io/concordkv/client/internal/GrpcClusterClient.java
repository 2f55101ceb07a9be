package io.concordkv.client.internal;

import com.google.protobuf.Descriptors;
import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.ClusterClient;
import io.concordkv.client.Endpoint;
import io.concordkv.client.EndpointStatus;
import io.concordkv.client.Member;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link ClusterClient} over etcd's Cluster and Maintenance services. Thread-safe. */
public final class GrpcClusterClient implements ClusterClient {
    /** The field number of {@code raft_applied_index} in etcd's {@code StatusResponse}. */
    private static final int RAFT_APPLIED_INDEX = 7;

    private final CallRunner runner;
    private final EndpointSet endpoints;
    private final Duration callTimeout;

    GrpcClusterClient(CallRunner runner, EndpointSet endpoints, Duration callTimeout) {
        this.runner = runner;
        this.endpoints = endpoints;
        this.callTimeout = callTimeout;
    }

    @Override
    public CompletableFuture<List<Member>> memberListAsync() {
        MemberListRequest request = MemberListRequest.getDefaultInstance();
        return runner.<MemberListResponse>call(Bytes.EMPTY, true, callTimeout,
            (pool, dl, obs) -> ClusterGrpc.newStub(pool.channel()).withDeadline(dl).memberList(request, obs))
            .thenApply(r -> r.getMembersList().stream().map(ResponseCodec::member).toList());
    }

    @Override
    public CompletableFuture<EndpointStatus> statusAsync(Endpoint endpoint) {
        return endpoints.find(endpoint)
            .map(pool -> status(pool, callTimeout, true))
            .orElseGet(() -> CompletableFuture.failedFuture(
                new KvException(ErrorCode.INVALID_ARGUMENT, "not an endpoint of this client: " + endpoint)));
    }

    /**
     * The status of {@code pool}'s endpoint: one attempt, no failover. Uncounted for the health
     * probe, so that probes do not show as load.
     */
    CompletableFuture<EndpointStatus> status(EndpointPool pool, Duration timeout, boolean counted) {
        StatusRequest request = StatusRequest.getDefaultInstance();
        return runner.<StatusResponse>callOn(pool, timeout, counted,
            (p, dl, obs) -> MaintenanceGrpc.newStub(p.channel()).withDeadline(dl).status(request, obs))
            .thenApply(r -> new EndpointStatus(pool.endpoint(), r.getVersion(), r.getDbSize(),
                r.getHeader().getMemberId(), r.getLeader(), r.getRaftIndex(), r.getRaftTerm(),
                r.getHeader().getRevision(), appliedIndex(r)));
    }

    /**
     * etcd's {@code raft_applied_index} (field 7), newer than the generated stubs: read as a known
     * field if the stubs have it, else from the unknown fields; 0 when absent.
     */
    static long appliedIndex(StatusResponse r) {
        Descriptors.FieldDescriptor known = r.getDescriptorForType().findFieldByNumber(RAFT_APPLIED_INDEX);
        if (known != null) {
            return ((Number) r.getField(known)).longValue();
        }
        List<Long> varints = r.getUnknownFields().hasField(RAFT_APPLIED_INDEX)
            ? r.getUnknownFields().getField(RAFT_APPLIED_INDEX).getVarintList() : List.of();
        return varints.isEmpty() ? 0 : varints.get(varints.size() - 1);
    }
}
