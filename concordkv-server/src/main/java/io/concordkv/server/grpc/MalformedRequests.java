package io.concordkv.server.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A request that is not valid protobuf is answered {@code INVALID_ARGUMENT} ("malformed request:
 * ..."), and only that call ends: gRPC itself would parse it before any handler and answer a bare
 * {@code UNKNOWN}. The service takes the request streams and parses them inside the handler chain,
 * where this interceptor sees the failure. Stateless.
 */
final class MalformedRequests implements ServerInterceptor {
    /**
     * Hands gRPC's own message streams through untouched: the request stream is parsed by the
     * method's marshaller inside {@code onMessage} (before gRPC releases it), the response stream
     * is the method's own serialized form, written out by gRPC as if unwrapped. Nothing is copied.
     */
    private static final MethodDescriptor.Marshaller<InputStream> STREAMS = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    /** {@code service} taking its requests as streams, parsed inside the handler chain under this interceptor. */
    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(service, STREAMS, STREAMS),
            new MalformedRequests());
    }

    private static boolean malformed(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidProtocolBufferException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                try {
                    super.onMessage(message);
                } catch (StatusRuntimeException | IllegalArgumentException | UncheckedIOException e) {
                    if (!malformed(e)) {
                        throw e;
                    }
                    refused = true;
                    call.close(Status.INVALID_ARGUMENT.withDescription("malformed request: " + rootMessage(e)),
                        new Metadata());
                }
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
