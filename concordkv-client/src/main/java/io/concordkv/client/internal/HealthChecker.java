package io.concordkv.client.internal;

import io.concordkv.client.Endpoint;
import io.concordkv.client.HealthConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every endpoint each {@link HealthConfig#interval()}: a probe that does not succeed within
 * {@link HealthConfig#timeout()} is a failure; {@link HealthConfig#retries()} consecutive failures
 * take the endpoint out; one success puts it back. Rounds do not overlap: the next is scheduled
 * when every probe of the last has finished (or timed out).
 *
 * <p>Thread-safety: {@link #runRound()} may be called from any thread; probe results arrive on gRPC
 * threads and the scheduler's thread, and only touch a concurrent map and the subjects' volatile
 * flags.
 */
public final class HealthChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    /** What the checker checks: an endpoint with a health flag. */
    public interface Subject {
        Endpoint endpoint();

        boolean healthy();

        void markHealthy(boolean healthy);
    }

    /** Checks one endpoint; the future fails when it is not healthy. */
    @FunctionalInterface
    public interface Probe {
        CompletableFuture<Void> check(Subject subject, HealthConfig config);
    }

    private final HealthConfig config;
    private final Supplier<List<? extends Subject>> subjects;
    private final Probe probe;
    private final DelayScheduler scheduler;
    private final Map<Endpoint, Integer> failures = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public HealthChecker(HealthConfig config, Supplier<List<? extends Subject>> subjects, Probe probe,
                         DelayScheduler scheduler) {
        this.config = config;
        this.subjects = subjects;
        this.probe = probe;
        this.scheduler = scheduler;
    }

    /** Starts the periodic rounds; the first runs after one interval. */
    public void start() {
        scheduleNext();
    }

    private void scheduleNext() {
        if (!closed) {
            scheduler.schedule(config.interval(), () -> runRound().whenComplete((v, e) -> scheduleNext()));
        }
    }

    /** Probes every endpoint once; completes when every probe has finished or timed out. */
    public CompletableFuture<Void> runRound() {
        List<CompletableFuture<Void>> probes = new ArrayList<>();
        for (Subject s : subjects.get()) {
            probes.add(probeOne(s));
        }
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> probeOne(Subject subject) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        DelayScheduler.Cancellable timer = scheduler.schedule(config.timeout(),
            () -> result.completeExceptionally(new TimeoutException("health probe timed out")));
        CompletableFuture<Void> started;
        try {
            started = probe.check(subject, config);
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((v, e) -> {
            timer.cancel();
            if (e == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(e);
            }
        });
        return result.handle((v, e) -> {
            record(subject, e);
            return null;
        });
    }

    private void record(Subject subject, Throwable failure) {
        Endpoint endpoint = subject.endpoint();
        if (failure == null) {
            failures.remove(endpoint);
            if (!subject.healthy()) {
                subject.markHealthy(true);
                LOG.info("endpoint {} is healthy again", endpoint);
            }
            return;
        }
        int count = failures.merge(endpoint, 1, Integer::sum);
        LOG.debug("health probe of {} failed ({} in a row): {}", endpoint, count, failure.toString());
        if (count >= config.retries() && subject.healthy()) {
            subject.markHealthy(false);
            LOG.info("endpoint {} taken out after {} failed health probes", endpoint, count);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
