package io.concordkv.client.internal;

import io.concordkv.client.ClientConfig;
import io.concordkv.client.ClusterClient;
import io.concordkv.client.EndpointStats;
import io.concordkv.client.HealthConfig;
import io.concordkv.client.KvClient;
import io.concordkv.client.LeaseClient;
import io.concordkv.client.TransactionClient;
import io.concordkv.client.WatchClient;
import io.concordkv.client.internal.balance.BalancingStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition of the client: endpoints and their channel pools, the balancing strategy, the
 * call runner, the health checker, discovery and the five service clients, all owned here and
 * closed together. Thread-safe.
 */
public final class ClientRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientRuntime.class);

    private final ExecutorDelayScheduler scheduler = new ExecutorDelayScheduler();
    private final EndpointSet endpoints;
    private final HealthChecker health;
    private final MemberDiscovery discovery;
    private final GrpcKvClient kv;
    private final GrpcWatchClient watch;
    private final GrpcLeaseClient lease;
    private final GrpcClusterClient cluster;
    private final GrpcTransactionClient transactions;

    public ClientRuntime(ClientConfig config, LongSupplier nanoClock) {
        LOG.debug("client jitter seed {}", config.jitterSeed());
        Map<String, Integer> weights = new HashMap<>();
        config.weights().forEach((endpoint, w) -> weights.put(endpoint.toString(), w));
        BalancingStrategy strategy = BalancingStrategy.named(config.strategy(), weights, config.virtualNodes());
        Backoff backoff = new Backoff(config.retry(), new Random(config.jitterSeed()));
        endpoints = new EndpointSet(config.endpoints(), EndpointSet.plaintextPools(config.channelsPerEndpoint()));
        CallRunner runner = new CallRunner(endpoints, strategy, backoff, config.retry().maxAttempts(), scheduler,
            nanoClock);
        // watches and keep-alives reopen for as long as the server is unavailable, as etcd's clients
        // do: a stream must outlive a server restart (the backoff is capped at the retry's maximum)
        StreamSupport streams = new StreamSupport(endpoints, strategy, backoff, scheduler, Integer.MAX_VALUE);
        kv = new GrpcKvClient(runner, config.callTimeout(), new BatchRunner(scheduler));
        watch = new GrpcWatchClient(streams);
        lease = new GrpcLeaseClient(runner, config.callTimeout(), streams);
        cluster = new GrpcClusterClient(runner, endpoints, config.callTimeout());
        transactions = new GrpcTransactionClient(runner, config.callTimeout());
        health = new HealthChecker(config.health(), endpoints::all, this::probe, scheduler);
        if (config.health().enabled()) {
            health.start();
        }
        discovery = new MemberDiscovery(cluster, endpoints, scheduler, config.discoveryInterval());
        if (!config.discoveryInterval().isZero()) {
            discovery.start();
        }
    }

    /** The health probe: Maintenance.Status on the endpoint, with the probe timeout as deadline. */
    private CompletableFuture<Void> probe(HealthChecker.Subject subject, HealthConfig config) {
        EndpointPool pool = (EndpointPool) subject;
        if (!pool.healthy()) {
            pool.resetConnectBackoff();
        }
        return cluster.status(pool, config.timeout(), false).thenApply(s -> null);
    }

    public KvClient kv() {
        return kv;
    }

    public WatchClient watch() {
        return watch;
    }

    public LeaseClient lease() {
        return lease;
    }

    public ClusterClient cluster() {
        return cluster;
    }

    public TransactionClient transactions() {
        return transactions;
    }

    public List<EndpointStats> stats() {
        return endpoints.all().stream().map(EndpointPool::stats).toList();
    }

    /** Runs one round of health probes now (the periodic rounds go on). */
    public CompletableFuture<Void> checkHealthNow() {
        return health.runRound();
    }

    @Override
    public void close() {
        health.close();
        discovery.close();
        scheduler.close();
        endpoints.close();
    }
}
