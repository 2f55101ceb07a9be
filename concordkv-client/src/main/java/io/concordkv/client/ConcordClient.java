package io.concordkv.client;

import io.concordkv.client.internal.ClientRuntime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The ConcordKV Java client: speaks the etcd v3 gRPC API, so it also works against etcd.
 *
 * <pre>{@code
 * try (ConcordClient client = ConcordClient.builder().endpoints("127.0.0.1:2379").build()) {
 *     client.kv().put(Bytes.utf8("k"), Bytes.utf8("v"));
 *     Optional<KeyValue> kv = client.kv().get(Bytes.utf8("k")).first();
 * }
 * }</pre>
 *
 * <p>Thread-safe; meant to be shared by the whole application and closed once at the end.
 */
public final class ConcordClient implements AutoCloseable {
    private final ClientConfig config;
    private final ClientRuntime runtime;

    ConcordClient(ClientConfig config, LongSupplier nanoClock) {
        this.config = config;
        this.runtime = new ClientRuntime(config, nanoClock);
    }

    /** A builder with the defaults of {@link ClientBuilder}. */
    public static ClientBuilder builder() {
        return new ClientBuilder();
    }

    /** Reads, writes, deletions, transactions and batches. */
    public KvClient kv() {
        return runtime.kv();
    }

    /** Watches. */
    public WatchClient watch() {
        return runtime.watch();
    }

    /** Leases. */
    public LeaseClient leases() {
        return runtime.lease();
    }

    /** Membership and status. */
    public ClusterClient cluster() {
        return runtime.cluster();
    }

    /** Interactive transactions (ConcordKV only: not part of the etcd API). */
    public TransactionClient transactions() {
        return runtime.transactions();
    }

    /** The configuration the client runs with. */
    public ClientConfig config() {
        return config;
    }

    /** What the client has observed about each endpoint it knows, sorted by endpoint. */
    public List<EndpointStats> endpointStats() {
        return runtime.stats();
    }

    /** The endpoints currently taking requests. */
    public List<Endpoint> healthyEndpoints() {
        return runtime.stats().stream().filter(EndpointStats::healthy).map(EndpointStats::endpoint).toList();
    }

    /** Runs one round of health probes now; completes when every probe has answered or timed out. */
    public CompletableFuture<Void> checkHealthNow() {
        return runtime.checkHealthNow();
    }

    /** Stops background work and closes every connection. */
    @Override
    public void close() {
        runtime.close();
    }
}
