package io.concordkv.client.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DelayScheduler} on one daemon thread named {@code concordkv-client-timer-N}, owned by
 * the client and shut down with it. Tasks must be short: they only start asynchronous work.
 */
public final class ExecutorDelayScheduler implements DelayScheduler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorDelayScheduler.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ScheduledExecutorService executor;

    public ExecutorDelayScheduler() {
        String name = "concordkv-client-timer-" + INSTANCES.incrementAndGet();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName(name);
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        if (executor.isShutdown()) {
            return () -> { };
        }
        ScheduledFuture<?> f = executor.schedule(() -> runLogged(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("client timer task failed", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
