package io.concordkv.client.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.internal.balance.BalancingStrategy;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs one logical call: picks an endpoint with the strategy, sends the attempt with the call's
 * deadline, and on failure decides whether to try again.
 *
 * <p>Only retry-safe calls (reads, and writes the caller marked idempotent) are tried again, and
 * only after UNAVAILABLE (the endpoint could not serve it): on another endpoint at once while one
 * is left untried (failover), else after a backoff wait; never past {@code maxAttempts} or the
 * deadline. Every other failure is mapped by {@link GrpcErrors} and returned.
 *
 * <p>Candidates are the healthy endpoints the call has not tried; when the health checker has
 * taken every endpoint out, all endpoints are candidates (better to try than to fail without
 * trying). Thread-safe.
 */
public final class CallRunner {
    /** One attempt of a call on one endpoint: send the request, answer through the observer. */
    @FunctionalInterface
    public interface Attempt<T> {
        void send(EndpointPool endpoint, Deadline deadline, StreamObserver<T> response);
    }

    private final EndpointSet endpoints;
    private final BalancingStrategy strategy;
    private final Backoff backoff;
    private final int maxAttempts;
    private final DelayScheduler scheduler;
    private final LongSupplier nanoClock;

    public CallRunner(EndpointSet endpoints, BalancingStrategy strategy, Backoff backoff, int maxAttempts,
                      DelayScheduler scheduler, LongSupplier nanoClock) {
        this.endpoints = endpoints;
        this.strategy = strategy;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
    }

    /** Runs a call routed on {@code key} with its own deadline {@code timeout} from now. */
    public <T> CompletableFuture<T> call(Bytes key, boolean retrySafe, Duration timeout, Attempt<T> attempt) {
        return call(key, retrySafe, Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS), attempt);
    }

    /** Runs a call routed on {@code key} that must finish by {@code deadline}. */
    public <T> CompletableFuture<T> call(Bytes key, boolean retrySafe, Deadline deadline, Attempt<T> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        new Run<>(key, retrySafe, deadline, attempt, result).next();
        return result;
    }

    /**
     * Runs one attempt on {@code pool}, without retries: for calls meant for one endpoint. With
     * {@code counted} false the attempt is left out of the endpoint's load and statistics (health
     * probes).
     */
    public <T> CompletableFuture<T> callOn(EndpointPool pool, Duration timeout, boolean counted, Attempt<T> attempt) {
        CompletableFuture<T> raw = send(pool, Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS), counted,
            attempt);
        CompletableFuture<T> mapped = new CompletableFuture<>();
        raw.whenComplete((v, e) -> {
            if (e == null) {
                mapped.complete(v);
            } else {
                mapped.completeExceptionally(GrpcErrors.toKvException(e));
            }
        });
        return mapped;
    }

    private <T> CompletableFuture<T> send(EndpointPool pool, Deadline deadline, boolean counted, Attempt<T> attempt) {
        CompletableFuture<T> f = new CompletableFuture<>();
        CompletableFuture<T> observed = f;
        if (counted) {
            long start = nanoClock.getAsLong();
            pool.begin();
            // callers see the answer only after the endpoint's load and latency are updated
            observed = f.whenComplete((v, e) -> pool.end(nanoClock.getAsLong() - start, e == null));
        }
        try {
            attempt.send(pool, deadline, new UnaryObserver<>(f));
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return observed;
    }

    /** The state of one logical call across its attempts. */
    private final class Run<T> {
        private final Bytes key;
        private final boolean retrySafe;
        private final Deadline deadline;
        private final Attempt<T> attempt;
        private final CompletableFuture<T> result;
        private final Set<String> tried = new HashSet<>();
        private int attempts;
        private int backoffs;

        Run(Bytes key, boolean retrySafe, Deadline deadline, Attempt<T> attempt, CompletableFuture<T> result) {
            this.key = key;
            this.retrySafe = retrySafe;
            this.deadline = deadline;
            this.attempt = attempt;
            this.result = result;
        }

        void next() {
            List<EndpointPool> candidates = untried();
            if (candidates.isEmpty()) {
                tried.clear();
                candidates = untried();
            }
            if (candidates.isEmpty()) {
                result.completeExceptionally(new KvException(ErrorCode.UNAVAILABLE, "client has no endpoints"));
                return;
            }
            EndpointPool pool = strategy.pick(candidates, key);
            tried.add(pool.id());
            attempts++;
            send(pool, deadline, true, attempt).whenComplete((v, e) -> {
                if (e == null) {
                    result.complete(v);
                } else {
                    onFailure(e);
                }
            });
        }

        /** Healthy endpoints not yet tried (all endpoints when none is healthy), sorted by id. */
        private List<EndpointPool> untried() {
            List<EndpointPool> healthy = endpoints.healthy();
            List<EndpointPool> pool = healthy.isEmpty() ? endpoints.all() : healthy;
            List<EndpointPool> untried = new ArrayList<>();
            for (EndpointPool p : pool) {
                if (!tried.contains(p.id())) {
                    untried.add(p);
                }
            }
            return untried;
        }

        private void onFailure(Throwable e) {
            if (!retrySafe || !GrpcErrors.unavailable(e) || attempts >= maxAttempts || deadline.isExpired()) {
                result.completeExceptionally(GrpcErrors.toKvException(e));
                return;
            }
            if (!untried().isEmpty()) {
                next();
                return;
            }
            Duration wait = backoff.delay(++backoffs);
            if (wait.toNanos() >= deadline.timeRemaining(TimeUnit.NANOSECONDS)) {
                result.completeExceptionally(GrpcErrors.toKvException(e));
                return;
            }
            scheduler.schedule(wait, this::next);
        }
    }
}
