package io.concordkv.server.etcd;

import io.concordkv.server.grpc.GrpcErrors;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** etcd's {@code Cluster} service for a single member: MemberList. Thread-safe. */
final class EtcdClusterService extends ClusterGrpc.ClusterImplBase {
    private final Headers headers;
    private final String name;
    private final List<String> clientUrls;
    private final List<String> peerUrls;

    EtcdClusterService(Headers headers, String name, List<String> clientUrls, List<String> peerUrls) {
        this.headers = headers;
        this.name = name;
        this.clientUrls = List.copyOf(clientUrls);
        this.peerUrls = List.copyOf(peerUrls);
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
        GrpcErrors.unary(out, () -> MemberListResponse.newBuilder().setHeader(headers.current())
            .addMembers(Member.newBuilder().setID(headers.memberId()).setName(name).addAllClientURLs(clientUrls)
                .addAllPeerURLs(peerUrls))
            .build());
    }
}
