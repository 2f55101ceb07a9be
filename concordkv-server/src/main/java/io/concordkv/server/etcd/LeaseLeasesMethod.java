package io.concordkv.server.etcd;

import com.google.protobuf.CodedOutputStream;
import io.concordkv.server.grpc.GrpcErrors;
import io.concordkv.server.grpc.RawBytes;
import io.concordkv.server.service.KvService;
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

    private static final MethodDescriptor.Marshaller<Answer> RESPONSE = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(Answer a) {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                out.writeByteArray(1, a.header());
                for (long id : a.ids()) {
                    out.writeTag(2, 2);
                    out.writeUInt32NoTag(CodedOutputStream.computeInt64Size(1, id));
                    out.writeInt64(1, id);
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

    /** The Lease service's definition with LeaseLeases added. */
    static ServerServiceDefinition addTo(ServerServiceDefinition lease, KvService service, Headers headers) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(lease.getServiceDescriptor().getName());
        lease.getMethods().forEach(b::addMethod);
        b.addMethod(METHOD, ServerCalls.asyncUnaryCall((request, out) -> GrpcErrors.unary(out,
            () -> new Answer(headers.current().toByteArray(), service.leases()))));
        return b.build();
    }
}
