package io.concordkv.client;

/**
 * The result of one {@link Op}: a {@link GetResult}, {@link PutResult} or {@link DeleteResult}.
 * Inside a transaction the results come in the order of the executed branch's operations.
 */
public sealed interface OpResult permits GetResult, PutResult, DeleteResult {
    /** The store's revision when the operation ran (the header revision of the response). */
    long revision();
}
