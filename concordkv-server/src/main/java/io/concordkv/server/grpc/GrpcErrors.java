package io.concordkv.server.grpc;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns failures into gRPC statuses: each {@link ErrorCode} to its gRPC code, with the messages
 * etcd's clients recognise (they match on the text, e.g. "etcdserver: mvcc: required revision has
 * been compacted"), and the ConcordKV error code's name in the {@code concordkv-error-code}
 * trailer. A failure that is not a {@link KvException} is a bug: {@code INTERNAL}, logged.
 */
public final class GrpcErrors {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);
    /** The trailer that carries the ConcordKV error code's name beside the gRPC status. */
    public static final Metadata.Key<String> ERROR_CODE =
        Metadata.Key.of("concordkv-error-code", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {
    }

    public static StatusRuntimeException status(Throwable t) {
        if (t instanceof StatusRuntimeException s) {
            return s;
        }
        if (t instanceof KvException e) {
            Metadata trailers = new Metadata();
            trailers.put(ERROR_CODE, e.code().name());
            return Status.fromCodeValue(e.code().grpcStatus()).withDescription(message(e)).asRuntimeException(trailers);
        }
        LOG.error("unexpected failure serving a request", t);
        return Status.INTERNAL.withDescription("internal error: " + t).asRuntimeException();
    }

    private static String message(KvException e) {
        return switch (e.code()) {
            case COMPACTED -> "etcdserver: mvcc: required revision has been compacted";
            case FUTURE_REVISION -> "etcdserver: mvcc: required revision is a future revision";
            case KEY_TOO_LARGE, VALUE_TOO_LARGE, REQUEST_TOO_LARGE -> "etcdserver: request is too large";
            default -> e.getMessage();
        };
    }

    /**
     * Answers a unary call when {@code body}'s future completes (on the completing thread), with its
     * result or its failure as a status; a failure thrown by {@code body} itself is answered too.
     */
    public static <T> void async(StreamObserver<T> out, Supplier<java.util.concurrent.CompletableFuture<T>> body) {
        java.util.concurrent.CompletableFuture<T> future;
        try {
            future = body.get();
        } catch (RuntimeException e) {
            out.onError(status(e));
            return;
        }
        future.whenComplete((result, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
                out.onError(status(cause));
            } else {
                out.onNext(result);
                out.onCompleted();
            }
        });
    }

    /** Answers a unary call with {@code body}'s result, or with its failure as a status. */
    public static <T> void unary(StreamObserver<T> out, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            out.onError(status(e));
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }
}
