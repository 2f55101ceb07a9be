package io.concordkv.server.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.UncheckedIOException;

/**
 * A request that is not valid protobuf is answered {@code INVALID_ARGUMENT} ("malformed request:
 * ..."), and only that call ends: gRPC itself would parse it before any handler and answer a bare
 * {@code UNKNOWN}. The service takes raw bytes and parses them inside the handler chain, where this
 * interceptor sees the failure. Stateless.
 */
final class MalformedRequests implements ServerInterceptor {
    /** {@code service} taking raw bytes, parsed inside the handler chain under this interceptor. */
    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(service, RawBytes.MARSHALLER),
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
