package io.concordkv.cli.cluster;

import io.concordkv.api.Bytes;
import io.concordkv.client.ConcordClient;
import io.concordkv.client.Endpoint;
import io.concordkv.client.EndpointStatus;
import io.concordkv.client.GetResult;
import io.concordkv.client.HealthConfig;
import io.concordkv.client.Member;
import io.concordkv.client.Op;
import io.concordkv.client.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Asks one server about itself through a client of its endpoint alone (no failover, no retry, no
 * background health probes): etcd's Maintenance Status, and the number of keys it holds (a
 * serializable count, answered from its own copy). Thread-safe; close it when done.
 */
final class MemberProbe implements AutoCloseable {
    private static final Bytes ALL = Bytes.wrap(new byte[] {0});

    private final Endpoint endpoint;
    private final ConcordClient client;

    MemberProbe(String endpoint, Duration timeout) {
        this.endpoint = Endpoint.parse(endpoint);
        this.client = ConcordClient.builder().endpoints(endpoint).callTimeout(timeout)
            .retry(RetryConfig.NONE).health(HealthConfig.DISABLED).build();
    }

    Endpoint endpoint() {
        return endpoint;
    }

    CompletableFuture<EndpointStatus> status() {
        return client.cluster().statusAsync(endpoint);
    }

    /** The members of its cluster, as it knows them. */
    CompletableFuture<List<Member>> members() {
        return client.cluster().memberListAsync();
    }

    /** How many keys the server holds now (serializable: not routed through a leader). */
    CompletableFuture<Long> keys() {
        return client.kv().getAsync(Op.range(ALL, ALL).withCountOnly().withSerializable()).thenApply(GetResult::count);
    }

    /** The status, or empty if the server did not answer in time (or failed). */
    Optional<EndpointStatus> statusNow() {
        return result(status());
    }

    /** The future's value, or empty if it failed. */
    static <T> Optional<T> result(CompletableFuture<T> future) {
        try {
            return Optional.of(future.join());
        } catch (CompletionException | CancellationException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
