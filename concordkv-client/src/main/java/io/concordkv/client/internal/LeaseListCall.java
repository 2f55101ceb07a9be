package io.concordkv.client.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's {@code Lease/LeaseLeases} call (etcd 3.3+), which the protos shipped in jetcd-grpc
 * predate: the method is declared here with a hand-made marshaller. The request is the empty
 * message; the response is {@code LeaseLeasesResponse { ResponseHeader header = 1; repeated
 * LeaseStatus leases = 2; }} with {@code LeaseStatus { int64 ID = 1; }}, decoded field by field.
 * Stateless.
 */
final class LeaseListCall {
    private static final int LEASES_FIELD = 2;
    private static final int ID_FIELD = 1;

    static final MethodDescriptor<byte[], List<Long>> METHOD = MethodDescriptor.<byte[], List<Long>>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("etcdserverpb.Lease", "LeaseLeases"))
        .setRequestMarshaller(new EmptyRequest())
        .setResponseMarshaller(new LeaseIds())
        .build();

    private LeaseListCall() {
    }

    static void send(EndpointPool pool, Deadline deadline, StreamObserver<List<Long>> response) {
        ClientCalls.asyncUnaryCall(pool.channel().newCall(METHOD, CallOptions.DEFAULT.withDeadline(deadline)),
            new byte[0], response);
    }

    /** Decodes the lease ids of a serialized {@code LeaseLeasesResponse}. */
    static List<Long> decode(byte[] message) throws InvalidProtocolBufferException {
        UnknownFieldSet fields = UnknownFieldSet.parseFrom(message);
        List<Long> ids = new ArrayList<>();
        if (fields.hasField(LEASES_FIELD)) {
            for (ByteString status : fields.getField(LEASES_FIELD).getLengthDelimitedList()) {
                UnknownFieldSet lease = UnknownFieldSet.parseFrom(status);
                List<Long> id = lease.hasField(ID_FIELD) ? lease.getField(ID_FIELD).getVarintList() : List.of(0L);
                ids.add(id.isEmpty() ? 0L : id.get(0));
            }
        }
        return List.copyOf(ids);
    }

    /** The empty request message. */
    private static final class EmptyRequest implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            return new byte[0];
        }
    }

    /** The response, decoded to its lease ids. */
    private static final class LeaseIds implements MethodDescriptor.Marshaller<List<Long>> {
        @Override
        public InputStream stream(List<Long> value) {
            throw new UnsupportedOperationException("the client only receives LeaseLeasesResponse");
        }

        @Override
        public List<Long> parse(InputStream stream) {
            try {
                return decode(stream.readAllBytes());
            } catch (InvalidProtocolBufferException e) {
                throw Status.INTERNAL.withDescription("bad LeaseLeasesResponse").withCause(e).asRuntimeException();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
