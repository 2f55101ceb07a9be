package io.concordkv.client;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.util.function.Function;

/**
 * Interactive transactions, over ConcordKV's own {@code Transactions} gRPC service (not part of
 * the etcd API: a real etcd answers {@link ErrorCode#UNSUPPORTED}). Thread-safe.
 */
public interface TransactionClient {
    /**
     * Begins a transaction on an endpoint chosen by the load-balancing strategy; all its calls then
     * go to that endpoint over one connection. Begin alone is retried (on another endpoint) when
     * an endpoint is unavailable.
     */
    InteractiveTxn begin(TxnSpec spec);

    /**
     * Runs {@code body} in a transaction and commits it (unless the body committed or rolled back
     * itself), beginning again and rerunning the body when the transaction fails with a retryable
     * code ({@link ErrorCode#CONFLICT}, {@link ErrorCode#DEADLOCK}, {@link ErrorCode#LOCK_TIMEOUT}),
     * up to {@code maxAttempts} runs in all. {@code UNAVAILABLE} in the middle of a transaction is
     * not rerun (a commit may have taken effect). The body must be safe to run more than once.
     *
     * @return what the last run of {@code body} returned
     * @throws KvException the last failure, or any non-retryable one at once
     */
    default <T> T run(TxnSpec spec, Function<InteractiveTxn, T> body, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "maxAttempts must be >= 1");
        }
        for (int attempt = 1;; attempt++) {
            try (InteractiveTxn txn = begin(spec)) {
                T result = body.apply(txn);
                if (txn.isOpen()) {
                    txn.commit();
                }
                return result;
            } catch (KvException e) {
                boolean rerun = e.code().retryable() && e.code() != ErrorCode.UNAVAILABLE;
                if (!rerun || attempt >= maxAttempts) {
                    throw e;
                }
            }
        }
    }
}
