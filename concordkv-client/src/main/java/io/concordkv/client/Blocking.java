package io.concordkv.client;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns the async API into the sync one: waits and rethrows the {@link KvException}. */
final class Blocking {
    private Blocking() {
    }

    /**
     * Waits for {@code future}. Every future of the client completes by its call's deadline, so
     * this never waits longer than that.
     */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvException(ErrorCode.CLOSED, "interrupted while waiting for the server", e);
        } catch (ExecutionException | CompletionException e) {
            throw unwrap(e.getCause());
        } catch (CancellationException e) {
            throw new KvException(ErrorCode.CLOSED, "request cancelled", e);
        }
    }

    private static KvException unwrap(Throwable cause) {
        Throwable t = cause;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof KvException kv) {
            return kv;
        }
        return new KvException(ErrorCode.INTERNAL, "client failure: " + t, t);
    }
}
