package io.concordkv.server.metrics;

import io.concordkv.server.grpc.GrpcErrors;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Times every gRPC call from its start to its close, by full method name and outcome (the
 * ConcordKV error code from the trailer, else the gRPC status), into {@link ServerMetrics}.
 * Streams (Watch, LeaseKeepAlive) are timed over their whole life. Thread-safe.
 */
public final class GrpcRequestMetrics implements ServerInterceptor {
    private final ServerMetrics metrics;

    public GrpcRequestMetrics(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                String code = trailers.get(GrpcErrors.ERROR_CODE);
                String outcome = status.isOk() ? "OK" : code != null ? code : status.getCode().name();
                metrics.request("grpc", method, outcome, System.nanoTime() - started);
                super.close(status, trailers);
            }
        };
        return next.startCall(timed, headers);
    }
}
