package io.concordkv.server.etcd;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.concordkv.server.grpc.GrpcErrors;
import io.concordkv.server.grpc.RawBytes;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    private static final MethodDescriptor.Marshaller<Answer> RESPONSE = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(Answer a) {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                out.writeByteArray(1, a.header());
                for (byte[] m : a.members()) {
                    out.writeByteArray(2, m);
                }
                out.flush();
                return new ByteArrayInputStream(bytes.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Answer parse(InputStream stream) {
            throw new UnsupportedOperationException("server side only");
        }
    };

    static final MethodDescriptor<byte[], Answer> METHOD = MethodDescriptor.<byte[], Answer>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(FULL_NAME)
        .setRequestMarshaller(RawBytes.MARSHALLER).setResponseMarshaller(RESPONSE).build();

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
