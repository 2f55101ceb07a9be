package io.concordkv.server.etcd;

import com.google.protobuf.CodedOutputStream;
import io.concordkv.server.grpc.GrpcErrors;
import io.concordkv.server.service.KvService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.util.List;

/**
 * etcd's {@code Lease/LeaseLeases} (etcd 3.3+), which the generated stubs we build on lack: the
 * request is empty, the response is {@code {1: ResponseHeader, 2: repeated {1: int64 ID}}},
 * written here by hand in protobuf's wire format. Added to the Lease service's definition.
 */
final class LeaseLeasesMethod {
    private static final String FULL_NAME = "etcdserverpb.Lease/LeaseLeases";

    private LeaseLeasesMethod() {
    }

    /** A lease list answer: the header bytes and the ids. */
    record Answer(byte[] header, List<Long> ids) {
    }

    static final MethodDescriptor<byte[], Answer> METHOD = HandWrittenResponses.unary(FULL_NAME, (a, out) -> {
        out.writeByteArray(1, a.header());
        for (long id : a.ids()) {
            out.writeTag(2, 2);
            out.writeUInt32NoTag(CodedOutputStream.computeInt64Size(1, id));
            out.writeInt64(1, id);
        }
    });

    /** The Lease service's definition with LeaseLeases added. */
    static ServerServiceDefinition addTo(ServerServiceDefinition lease, KvService service, Headers headers) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(lease.getServiceDescriptor().getName());
        lease.getMethods().forEach(b::addMethod);
        b.addMethod(METHOD, ServerCalls.asyncUnaryCall((request, out) -> GrpcErrors.unary(out,
            () -> new Answer(headers.current().toByteArray(), service.leases()))));
        return b.build();
    }
}
