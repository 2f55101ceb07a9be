package io.concordkv.server.apply;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The command log of a single node: a command is applied at once on the caller's thread. The order
 * is the MVCC store's commit order (its commit sequencer numbers revisions under one lock, and the
 * store's write-ahead log records them in that order), so the store's log is this command log:
 * nothing is logged twice. Thread-safe.
 */
public final class LocalCommandLog implements CommandLog {
    private final KvStateMachine machine;
    private final AtomicLong applied = new AtomicLong();

    public LocalCommandLog(KvStateMachine machine) {
        this.machine = machine;
    }

    @Override
    public Object append(WriteCommand command) {
        Object result = machine.apply(command);
        applied.incrementAndGet();
        return result;
    }

    @Override
    public java.util.concurrent.CompletableFuture<Object> appendAsync(WriteCommand command) {
        return machine.applyAsync(command).whenComplete((r, e) -> {
            if (e == null) {
                applied.incrementAndGet();
            }
        });
    }

    @Override
    public long appliedIndex() {
        return applied.get();
    }
}
