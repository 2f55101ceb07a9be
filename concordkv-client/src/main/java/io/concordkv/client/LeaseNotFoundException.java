package io.concordkv.client;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;

/**
 * The lease does not exist (never granted, expired or revoked). {@link ErrorCode} has no
 * not-found code, so the code is {@link ErrorCode#INVALID_ARGUMENT} (the lease id argument names
 * nothing); callers that need to tell this case apart catch this subclass.
 */
public class LeaseNotFoundException extends KvException {
    private static final long serialVersionUID = 1L;

    public LeaseNotFoundException(String message, Throwable cause) {
        super(ErrorCode.INVALID_ARGUMENT, message, cause);
    }
}
