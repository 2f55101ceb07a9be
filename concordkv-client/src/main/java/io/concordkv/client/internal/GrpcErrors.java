package io.concordkv.client.internal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.LeaseNotFoundException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Maps a failed gRPC call to the client's {@link KvException}: first by etcd's error message
 * (etcd reports several errors under one status code), then by status code. {@link ErrorCode} has
 * no not-found, deadline or unavailable code of its own; the closest are used:
 * lease not found is {@link LeaseNotFoundException} ({@link ErrorCode#INVALID_ARGUMENT}), an
 * expired deadline is {@link ErrorCode#TXN_TIMEOUT} (gRPC DEADLINE_EXCEEDED), an unreachable
 * server is {@link ErrorCode#CLOSED} (gRPC UNAVAILABLE).
 */
public final class GrpcErrors {
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
            return new KvException(ErrorCode.TXN_TIMEOUT, "deadline exceeded: " + t.getMessage(), t);
        }
        Status status = Status.fromThrowable(t);
        String description = status.getDescription() == null ? "" : status.getDescription();
        String message = status.getCode() + ": " + description;
        if (description.contains("requested lease not found")) {
            return new LeaseNotFoundException(message, t);
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
            return ErrorCode.TXN_TIMEOUT;
        }
        return null;
    }

    static ErrorCode byStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION -> ErrorCode.INVALID_ARGUMENT;
            case DEADLINE_EXCEEDED -> ErrorCode.TXN_TIMEOUT;
            case UNAVAILABLE, CANCELLED -> ErrorCode.CLOSED;
            case RESOURCE_EXHAUSTED -> ErrorCode.REQUEST_TOO_LARGE;
            case UNIMPLEMENTED, PERMISSION_DENIED, UNAUTHENTICATED -> ErrorCode.UNSUPPORTED;
            case ABORTED -> ErrorCode.CONFLICT;
            case DATA_LOSS -> ErrorCode.CORRUPTION;
            default -> ErrorCode.INTERNAL;
        };
    }
}
