package io.concordkv.client.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link DelayScheduler} whose time moves only when a test calls {@link #advance}. */
final class ManualScheduler implements DelayScheduler {
    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long sequence;

    private record Task(long due, long seq, Runnable run) {
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(now + delay.toNanos(), sequence++, task);
        tasks.add(t);
        return () -> {
            synchronized (this) {
                tasks.remove(t);
            }
        };
    }

    /** Moves time on by {@code d}, running every task that falls due, in due order. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        for (int guard = 0; guard < 10_000; guard++) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.due <= target)
                    .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::seq)).orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                now = Math.max(now, next.due);
            }
            next.run.run();
        }
        throw new IllegalStateException("more than 10000 tasks ran in one advance");
    }

    synchronized int pending() {
        return tasks.size();
    }
}
