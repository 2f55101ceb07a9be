package io.concordkv.client;

import java.util.List;

/**
 * The result of a conditional transaction.
 *
 * @param revision store revision after the transaction
 * @param succeeded whether every compare held (so the success branch ran)
 * @param results results of the branch that ran, in order
 */
public record TxnResult(long revision, boolean succeeded, List<OpResult> results) {
    public TxnResult {
        results = List.copyOf(results);
    }
}
