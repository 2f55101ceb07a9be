package io.concordkv.txn;

import java.util.List;

/**
 * The outcome of a {@link TxnRequest}.
 *
 * @param succeeded whether the compares held (the success branch ran)
 * @param revision the revision of its writes, or the revision it read at when it wrote nothing
 * @param results one per operation of the branch that ran, in order
 */
public record TxnResponse(boolean succeeded, long revision, List<OpResult> results) {
    public TxnResponse {
        results = List.copyOf(results);
    }

    /** The result of one {@link TxnOp}. */
    public sealed interface OpResult permits RangeResponse, PutResponse, DeleteResponse {
    }

    public record RangeResponse(RangeResult range) implements OpResult {
    }

    /** @param previous the replaced version, if asked for and the key was live */
    public record PutResponse(java.util.Optional<KeyVersion> previous) implements OpResult {
    }

    /** @param previous the deleted versions, if asked for */
    public record DeleteResponse(long deleted, List<KeyVersion> previous) implements OpResult {
        public DeleteResponse {
            previous = List.copyOf(previous);
        }
    }
}
