package io.concordkv.api;

/**
 * Stable error codes. The names, numbers and mappings are part of the public contract: clients
 * branch on them, so an existing code is never renumbered or remapped, only new codes are added.
 *
 * <p>Each code maps one to one to a gRPC status code (by number, as in {@code io.grpc.Status.Code}),
 * an HTTP status and the word that starts a RESP error reply.
 */
public enum ErrorCode {
    /** A request argument is malformed (for example an empty key or an inverted range). */
    INVALID_ARGUMENT(1, 3, 400),
    /** A key is longer than the configured key-size limit. */
    KEY_TOO_LARGE(2, 3, 413),
    /** A value is longer than the configured value-size limit. */
    VALUE_TOO_LARGE(3, 3, 413),
    /** A whole request (for example a write batch) is over the configured request-size limit. */
    REQUEST_TOO_LARGE(4, 8, 413),
    /** The operation is not supported by this engine or configuration. */
    UNSUPPORTED(5, 12, 501),
    /** The engine or store has been closed. */
    CLOSED(6, 14, 503),
    /** An I/O operation failed; the store may have turned read-only. */
    IO_ERROR(7, 13, 500),
    /** Stored data failed a checksum or structural check. */
    CORRUPTION(8, 15, 500),
    /** An invariant inside ConcordKV was broken: a bug. */
    INTERNAL(9, 13, 500),
    /** A data directory is already in use by another process (or another store in this one). */
    LOCKED(10, 9, 409),
    /** A read asked for a revision that history compaction has already dropped. */
    COMPACTED(11, 11, 410),
    /** A read asked for a revision newer than the store's current revision. */
    FUTURE_REVISION(12, 11, 400),
    /** A transaction lost a conflict (write-write, or a changed read under SERIALIZABLE); retry it. */
    CONFLICT(13, 10, 409, true),
    /** A transaction was chosen as the victim that breaks a deadlock; retry it. */
    DEADLOCK(14, 10, 409, true),
    /** A lock was not granted within the lock-wait timeout; retry the transaction. */
    LOCK_TIMEOUT(15, 10, 409, true),
    /** A transaction ran past its timeout and was rolled back. */
    TXN_TIMEOUT(16, 4, 408),
    /** The transaction has already committed, rolled back or been aborted. */
    TXN_NOT_ACTIVE(17, 9, 409),
    /** What the request names does not exist (a lease, a watch, a transaction, a key it must find). */
    NOT_FOUND(18, 5, 404),
    /** No server could be reached or the server cannot serve now; another endpoint may. */
    UNAVAILABLE(19, 14, 503, true),
    /** The call did not finish within its deadline; whether a write took effect is unknown. */
    TIMEOUT(20, 4, 504),
    /** What the request creates exists already (a lease id, a watch id). */
    ALREADY_EXISTS(21, 6, 409),
    /** The cluster is not in a state the request needs (a leader transfer to a member that cannot lead). */
    FAILED_PRECONDITION(22, 9, 412);

    private final int number;
    private final int grpcStatus;
    private final int httpStatus;
    private final boolean retryable;

    ErrorCode(int number, int grpcStatus, int httpStatus) {
        this(number, grpcStatus, httpStatus, false);
    }

    ErrorCode(int number, int grpcStatus, int httpStatus, boolean retryable) {
        this.number = number;
        this.grpcStatus = grpcStatus;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
    }

    /**
     * Whether running the same transaction again may succeed: the failure came from a concurrent
     * transaction, not from the request or the store.
     */
    public boolean retryable() {
        return retryable;
    }

    /** The stable number of this code, carried on the wire by ConcordKV's own protocols. */
    public int number() {
        return number;
    }

    /** The gRPC status code number ({@code io.grpc.Status.Code#value()}) this code maps to. */
    public int grpcStatus() {
        return grpcStatus;
    }

    /** The HTTP status this code maps to in the REST API. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The word that starts a RESP error reply for this code, e.g. {@code KEY_TOO_LARGE}. */
    public String respWord() {
        return name();
    }
}
