package io.concordkv.client.internal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.LeaseNotFoundException;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Maps a failed gRPC call to the client's {@link KvException}: by the ConcordKV error code a
 * ConcordKV server sends in the {@code concordkv-error-code} trailer; else (a real etcd) by
 * etcd's error message, since etcd reports several errors under one status code; else by status
 * code. Lease not found is {@link LeaseNotFoundException} ({@link ErrorCode#NOT_FOUND}), an
 * expired deadline {@link ErrorCode#TIMEOUT}, an unreachable server {@link ErrorCode#UNAVAILABLE}.
 */
public final class GrpcErrors {
    /** The trailer in which a ConcordKV server names its {@link ErrorCode}. */
    static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("concordkv-error-code", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {
    }

    /** The {@link KvException} for {@code failure}; a {@link KvException} is returned unchanged. */
    public static KvException toKvException(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof KvException kv) {
            return kv;
        }
        if (t instanceof TimeoutException) {
            return new KvException(ErrorCode.TIMEOUT, "deadline exceeded: " + t.getMessage(), t);
        }
        Status status = Status.fromThrowable(t);
        ErrorCode sent = sentCode(Status.trailersFromThrowable(t));
        String description = status.getDescription() == null ? "" : status.getDescription();
        String message = status.getCode() + ": " + description;
        if (description.contains("requested lease not found")) {
            return new LeaseNotFoundException(message, t);
        }
        if (sent != null) {
            return new KvException(sent, message, t);
        }
        ErrorCode byMessage = byEtcdMessage(description);
        return new KvException(byMessage != null ? byMessage : byStatus(status.getCode()), message, t);
    }

    /** Whether {@code failure} says the endpoint could not serve the call (the one failover case). */
    public static boolean unavailable(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return !(t instanceof KvException) && Status.fromThrowable(t).getCode() == Status.Code.UNAVAILABLE;
    }

    private static ErrorCode sentCode(Metadata trailers) {
        String name = trailers == null ? null : trailers.get(ERROR_CODE);
        if (name == null) {
            return null;
        }
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException newerServer) {
            return null;
        }
    }

    private static ErrorCode byEtcdMessage(String description) {
        if (description.contains("required revision has been compacted")) {
            return ErrorCode.COMPACTED;
        } else if (description.contains("required revision is a future revision")) {
            return ErrorCode.FUTURE_REVISION;
        } else if (description.contains("request is too large")
            || description.contains("too many operations in txn request")) {
            return ErrorCode.REQUEST_TOO_LARGE;
        } else if (description.contains("database space exceeded")) {
            return ErrorCode.IO_ERROR;
        } else if (description.contains("request timed out")) {
            return ErrorCode.TIMEOUT;
        }
        return null;
    }

    static ErrorCode byStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> ErrorCode.INVALID_ARGUMENT;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
            case DEADLINE_EXCEEDED -> ErrorCode.TIMEOUT;
            case UNAVAILABLE, CANCELLED -> ErrorCode.UNAVAILABLE;
            case RESOURCE_EXHAUSTED -> ErrorCode.REQUEST_TOO_LARGE;
            case UNIMPLEMENTED, PERMISSION_DENIED, UNAUTHENTICATED -> ErrorCode.UNSUPPORTED;
            case ABORTED -> ErrorCode.CONFLICT;
            case DATA_LOSS -> ErrorCode.CORRUPTION;
            default -> ErrorCode.INTERNAL;
        };
    }
}
