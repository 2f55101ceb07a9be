package io.concordkv.server.metrics;

import io.concordkv.server.service.KvService;
import io.concordkv.server.service.TxnSessions;
import io.concordkv.storage.StoreStats;
import io.concordkv.txn.MvccStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * A node's metrics in one Prometheus registry (served as {@code GET /metrics}): requests by
 * protocol, operation and outcome with latency histograms, errors by code, transactions, the
 * write-ahead log's fsyncs (count, time, writes covered), what is stored, watchers, leases, and the
 * JVM and process (CPU, memory, GC, threads). Names follow {@code concordkv_<subsystem>_<name>_<unit>}.
 * Thread-safe. Owned by the server; nothing here is global.
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Meters by their tag values, so a request does not build and look up a meter each time. */
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> errors = new ConcurrentHashMap<>();

    public ServerMetrics(String node) {
        registry.config().commonTags("node", node);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Records one request: {@code outcome} is {@code OK} or the ConcordKV error code's name (a
     * gRPC status name when the failure came from gRPC itself).
     */
    public void request(String protocol, String operation, String outcome, long nanos) {
        List<String> key = List.of(protocol, operation, outcome);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder("concordkv.requests")
                .description("requests served, by protocol, operation and outcome")
                .tags("protocol", protocol, "op", operation, "outcome", outcome).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
        if (!outcome.equals("OK")) {
            errors.computeIfAbsent(List.of(protocol, outcome), k -> Counter.builder("concordkv.errors")
                .description("failed requests by error code").tags("protocol", protocol, "code", outcome)
                .register(registry)).increment();
        }
    }

    /** Meters that read the node's state when scraped. */
    public void bind(MvccStore store, KvService service, TxnSessions sessions) {
        counter("concordkv.txn.commits", "transactions committed", store, s -> s.stats().commits());
        counter("concordkv.txn.rollbacks", "transactions rolled back", store, s -> s.stats().rollbacks());
        counter("concordkv.txn.conflicts", "transactions aborted by a conflict", store, s -> s.stats().conflicts());
        counter("concordkv.txn.deadlocks", "transactions aborted to break a deadlock", store, s -> s.stats().deadlocks());
        counter("concordkv.txn.lock.timeouts", "lock waits that timed out", store, s -> s.stats().lockTimeouts());
        counter("concordkv.txn.timeouts", "transactions rolled back at their timeout", store, s -> s.stats().timeouts());
        gauge("concordkv.txn.open", "interactive transactions open over the network", sessions, TxnSessions::open);
        FunctionTimer.builder("concordkv.wal.fsync", store, s -> wal(s).syncs(), s -> wal(s).syncNanos(),
            TimeUnit.NANOSECONDS).description("write-ahead log fsyncs and the time they took").register(registry);
        counter("concordkv.wal.fsynced.writes", "write batches made durable by those fsyncs (divide by fsyncs: "
            + "batch size)", store, s -> wal(s).syncedOps());
        gauge("concordkv.wal.bytes", "bytes in the write-ahead log", store, s -> wal(s).logBytes());
        gauge("concordkv.store.records", "records stored (versions and metadata)", store, s -> wal(s).keys());
        gauge("concordkv.store.bytes", "bytes of stored keys and values", store, s -> wal(s).dataBytes());
        gauge("concordkv.mvcc.revision", "the current revision", store, MvccStore::currentRevision);
        gauge("concordkv.mvcc.compacted.revision", "the compacted revision", store, MvccStore::compactedRevision);
        gauge("concordkv.watchers", "active watchers", service, s -> s.watches().watchers());
        gauge("concordkv.leases", "live leases", service, s -> s.leases().size());
    }

    private static StoreStats wal(MvccStore store) {
        return store.kvStore().stats();
    }

    private <T> void counter(String name, String help, T source, ToLongFunction<T> read) {
        FunctionCounter.builder(name, source, s -> read.applyAsLong(s)).description(help).register(registry);
    }

    private <T> void gauge(String name, String help, T source, ToDoubleFunction<T> read) {
        Gauge.builder(name, source, read).description(help).register(registry);
    }


    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
