package io.concordkv.client;

import java.util.concurrent.CompletableFuture;

/** A running watch. Thread-safe. */
public interface Watcher extends AutoCloseable {
    /**
     * Completes once the server has confirmed the watch: every change after that is reported.
     * Fails if the watch could not be created.
     */
    CompletableFuture<Void> started();

    /** Stops the watch; no event is delivered after this returns. Idempotent. */
    void cancel();

    /** Same as {@link #cancel()}. */
    @Override
    default void close() {
        cancel();
    }
}
