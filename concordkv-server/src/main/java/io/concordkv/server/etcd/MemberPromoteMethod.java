package io.concordkv.server.etcd;

import com.google.protobuf.CodedInputStream;
import io.concordkv.server.grpc.GrpcErrors;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.util.List;

/**
 * etcd's {@code Cluster/MemberPromote} (etcd 3.4+), which the generated stubs we build on lack:
 * the request is {@code {1: uint64 ID}}, the response {@code {1: ResponseHeader, 2: repeated
 * Member}}, written here by hand in protobuf's wire format. Added to the Cluster service's definition.
 */
final class MemberPromoteMethod {
    private static final String FULL_NAME = "etcdserverpb.Cluster/MemberPromote";

    private MemberPromoteMethod() {
    }

    /** The answer: header bytes and each member's encoded message. */
    record Answer(byte[] header, List<byte[]> members) {
    }

    static final MethodDescriptor<byte[], Answer> METHOD = HandWrittenResponses.unary(FULL_NAME, (a, out) -> {
        out.writeByteArray(1, a.header());
        for (byte[] m : a.members()) {
            out.writeByteArray(2, m);
        }
    });

    static long memberId(byte[] request) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(request);
        long id = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == (1 << 3)) {
                id = in.readUInt64();
            } else {
                in.skipField(tag);
            }
        }
        return id;
    }

    /** The Cluster service's definition with MemberPromote added. */
    static ServerServiceDefinition addTo(ServerServiceDefinition cluster, EtcdClusterService service) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(cluster.getServiceDescriptor().getName());
        cluster.getMethods().forEach(b::addMethod);
        b.addMethod(METHOD, ServerCalls.asyncUnaryCall((request, out) -> GrpcErrors.async(out, () -> {
            try {
                return service.promote(memberId(request));
            } catch (IOException e) {
                throw new io.concordkv.api.KvException(io.concordkv.api.ErrorCode.INVALID_ARGUMENT,
                    "malformed MemberPromoteRequest: " + e.getMessage());
            }
        })));
        return b.build();
    }
}
