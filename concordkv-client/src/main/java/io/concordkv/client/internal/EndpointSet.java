package io.concordkv.client.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.Endpoint;
import io.concordkv.client.internal.balance.BalancingStrategy;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints the client knows: the static seeds plus those discovered from MemberList. Seeds
 * are never removed; a discovered endpoint is removed (and its channels closed) when it leaves the
 * member list.
 *
 * <p>Thread-safety: readers see an immutable snapshot list sorted by id through a volatile field;
 * changes are serialized on a private lock and publish a new snapshot.
 */
public final class EndpointSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointSet.class);

    private final Object lock = new Object();
    private final Set<Endpoint> seeds;
    private final Function<Endpoint, EndpointPool> poolFactory;
    private volatile List<EndpointPool> all;

    public EndpointSet(List<Endpoint> seeds, Function<Endpoint, EndpointPool> poolFactory) {
        this.seeds = Set.copyOf(seeds);
        this.poolFactory = poolFactory;
        this.all = sorted(this.seeds.stream().map(poolFactory).toList());
    }

    /** A factory of pools with {@code channels} plaintext channels each (lazy: they connect on use). */
    public static Function<Endpoint, EndpointPool> plaintextPools(int channels) {
        return endpoint -> {
            List<ManagedChannel> list = new ArrayList<>(channels);
            for (int i = 0; i < channels; i++) {
                list.add(ManagedChannelBuilder.forAddress(endpoint.host(), endpoint.port()).usePlaintext().build());
            }
            return new EndpointPool(endpoint, list);
        };
    }

    /** Every known endpoint, healthy or not, sorted by id. */
    public List<EndpointPool> all() {
        return all;
    }

    /** The endpoints the health checker lets requests go to, sorted by id. */
    public List<EndpointPool> healthy() {
        return all.stream().filter(EndpointPool::healthy).toList();
    }

    /**
     * The endpoint for a long-lived stream (watch, keep-alive) keyed on {@code key}: chosen by
     * {@code strategy} among the healthy endpoints, or among all when none is healthy.
     */
    public EndpointPool route(BalancingStrategy strategy, Bytes key) {
        List<EndpointPool> healthy = healthy();
        List<EndpointPool> candidates = healthy.isEmpty() ? all : healthy;
        if (candidates.isEmpty()) {
            throw new KvException(ErrorCode.UNAVAILABLE, "client has no endpoints");
        }
        return strategy.pick(candidates, key);
    }

    public Optional<EndpointPool> find(Endpoint endpoint) {
        return all.stream().filter(p -> p.endpoint().equals(endpoint)).findFirst();
    }

    /**
     * Makes the set the seeds plus {@code discovered}: adds new endpoints, removes discovered ones
     * that are gone. Returns whether anything changed.
     */
    public boolean reconcile(Set<Endpoint> discovered) {
        List<EndpointPool> removed = new ArrayList<>();
        boolean changed;
        synchronized (lock) {
            List<EndpointPool> next = new ArrayList<>();
            Set<Endpoint> present = new HashSet<>();
            for (EndpointPool p : all) {
                if (seeds.contains(p.endpoint()) || discovered.contains(p.endpoint())) {
                    next.add(p);
                    present.add(p.endpoint());
                } else {
                    removed.add(p);
                }
            }
            for (Endpoint e : discovered) {
                if (present.add(e)) {
                    next.add(poolFactory.apply(e));
                    LOG.info("client endpoint added from member list: {}", e);
                }
            }
            changed = !removed.isEmpty() || next.size() != all.size();
            all = sorted(next);
        }
        for (EndpointPool p : removed) {
            LOG.info("client endpoint removed, no longer a member: {}", p.endpoint());
            p.close();
        }
        return changed;
    }

    private static List<EndpointPool> sorted(List<EndpointPool> pools) {
        return pools.stream().sorted(Comparator.comparing(EndpointPool::id)).toList();
    }

    @Override
    public void close() {
        all.forEach(EndpointPool::close);
    }
}
