package io.concordkv.server.apply;

/**
 * The one ordered path every write takes: commands are appended, ordered, and applied by the
 * {@link KvStateMachine} in that order; {@link #append} returns the state machine's result once
 * the command is applied (and as durable as the store's fsync policy promises). A single node
 * uses {@link LocalCommandLog}; a replicated one will use its consensus log. Thread-safe.
 */
public interface CommandLog {
    /** Appends {@code command}, waits until it is applied, returns what applying it returned. */
    Object append(WriteCommand command);

    /**
     * Appends {@code command}; the future completes with what applying it returned, on the thread
     * that finishes it (dependent stages must be quick). Failures complete it exceptionally.
     */
    java.util.concurrent.CompletableFuture<Object> appendAsync(WriteCommand command);

    /** Index of the last command applied. */
    long appliedIndex();
}
