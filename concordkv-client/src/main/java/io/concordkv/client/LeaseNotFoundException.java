package io.concordkv.client;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;

/**
 * The lease does not exist (never granted, expired or revoked): code {@link ErrorCode#NOT_FOUND}.
 * Callers that need to tell this case apart from other missing things catch this subclass.
 */
public class LeaseNotFoundException extends KvException {
    private static final long serialVersionUID = 1L;

    public LeaseNotFoundException(String message, Throwable cause) {
        super(ErrorCode.NOT_FOUND, message, cause);
    }
}
