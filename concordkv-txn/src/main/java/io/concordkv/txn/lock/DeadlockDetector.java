package io.concordkv.txn.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backstop deadlock search: every interval, a daemon thread named
 * {@value #THREAD_NAME} searches the whole {@link WaitForGraph} under its lock and breaks any
 * cycle it finds. The search run whenever a request blocks should leave nothing for it to find,
 * so a cycle found here is logged as a warning: it points at a missed update.
 *
 * <h2>Threads</h2>
 * Created and closed by the owning {@link StripedLockTable}; its task runs on its own thread and
 * takes only the graph lock (and, through it, owner monitors), never a stripe lock. The victims'
 * threads clean up their queues themselves when woken.
 */
final class DeadlockDetector implements AutoCloseable {
    static final String THREAD_NAME = "concordkv-deadlock-detector";
    private static final Logger LOG = LoggerFactory.getLogger(DeadlockDetector.class);

    private final WaitForGraph graph;
    private final Consumer<List<LockRequest>> onVictims;
    private final ScheduledExecutorService executor;

    /**
     * Starts the periodic search.
     *
     * @param onVictims told of the victims of each search that found any (outside the graph lock)
     */
    DeadlockDetector(WaitForGraph graph, Duration interval, Consumer<List<LockRequest>> onVictims) {
        this.graph = graph;
        this.onVictims = onVictims;
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        long nanos = StripedLockTable.saturatedNanos(interval);
        executor.scheduleWithFixedDelay(this::searchOnce, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** One full search: the scheduled task. */
    void searchOnce() {
        try {
            List<LockRequest> victims;
            graph.lock();
            try {
                victims = graph.breakAllCycles();
            } finally {
                graph.unlock();
            }
            if (!victims.isEmpty()) {
                LOG.warn("the periodic deadlock search broke {} wait-for cycle(s) missed when blocking",
                    victims.size());
                onVictims.accept(victims);
            }
        } catch (RuntimeException e) {
            LOG.warn("periodic deadlock search failed", e);
        }
    }

    /** Stops the thread and waits briefly for a running search to finish. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                LOG.warn("the deadlock detector thread did not stop within a second");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
