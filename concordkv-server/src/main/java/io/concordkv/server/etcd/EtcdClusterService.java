package io.concordkv.server.etcd;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.grpc.GrpcErrors;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberAddResponse;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MemberRemoveResponse;
import io.etcd.jetcd.api.MemberUpdateRequest;
import io.etcd.jetcd.api.MemberUpdateResponse;
import io.etcd.jetcd.api.MemberListResponse;
import io.grpc.stub.StreamObserver;
import io.concordkv.server.service.Replication;
import java.util.ArrayList;
import java.util.List;

/** etcd's {@code Cluster} service: MemberList, MemberAdd (learners too), MemberRemove, MemberPromote
 * ({@link MemberPromoteMethod}). Thread-safe. */
final class EtcdClusterService extends ClusterGrpc.ClusterImplBase {
    private final Headers headers;
    private final Replication replication;

    EtcdClusterService(Headers headers, Replication replication) {
        this.headers = headers;
        this.replication = replication;
    }

    private List<Member> members() {
        List<Member> out = new ArrayList<>();
        for (Replication.MemberView m : replication.members()) {
            out.add(Member.newBuilder().setID(m.id()).setName(m.name()).addAllClientURLs(m.clientUrls())
                .addAllPeerURLs(m.peerUrls()).setIsLearner(m.learner()).build());
        }
        return out;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
        GrpcErrors.unary(out, () -> MemberListResponse.newBuilder().setHeader(headers.membership())
            .addAllMembers(members()).build());
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> out) {
        GrpcErrors.async(out, () -> replication.addMember(request.getPeerURLsList(), request.getIsLearner())
            .thenApply(m -> MemberAddResponse.newBuilder().setHeader(headers.membership())
                .setMember(Member.newBuilder().setID(m.id()).addAllPeerURLs(m.peerUrls()).setIsLearner(m.learner()))
                .addAllMembers(members()).build()));
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> out) {
        GrpcErrors.async(out, () -> replication.removeMember(request.getID()).thenApply(v ->
            MemberRemoveResponse.newBuilder().setHeader(headers.membership()).addAllMembers(members()).build()));
    }

    /**
     * MemberUpdate: an unknown member is "member not found", as in etcd; a known one's peer URLs
     * cannot change, since its id is derived from them (docs/server.md).
     */
    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> out) {
        GrpcErrors.unary(out, () -> {
            if (replication.members().stream().noneMatch(m -> m.id() == request.getID())) {
                throw new KvException(ErrorCode.NOT_FOUND, "etcdserver: member not found");
            }
            throw new KvException(ErrorCode.UNSUPPORTED,
                "a member's peer URLs cannot change: its id is derived from them; remove it and add it again");
        });
    }

    /** MemberPromote, which the generated stubs lack: see {@link MemberPromoteMethod}. */
    java.util.concurrent.CompletableFuture<MemberPromoteMethod.Answer> promote(long id) {
        return replication.promoteMember(id).thenApply(v -> {
            List<byte[]> encoded = new ArrayList<>();
            members().forEach(m -> encoded.add(m.toByteArray()));
            return new MemberPromoteMethod.Answer(headers.membership().toByteArray(), encoded);
        });
    }
}
