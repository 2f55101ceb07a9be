package io.concordkv.api;

import java.util.Objects;

/**
 * The one unchecked exception of ConcordKV. Callers branch on {@link #code()}, never on the
 * message, which is for humans and may change.
 */
public class KvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public KvException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public KvException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable error code. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return "KvException[" + code + "]: " + getMessage();
    }
}
