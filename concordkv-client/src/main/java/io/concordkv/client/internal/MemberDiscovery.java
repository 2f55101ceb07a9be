package io.concordkv.client.internal;

import io.concordkv.client.ClusterClient;
import io.concordkv.client.Endpoint;
import io.concordkv.client.Member;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the endpoint set from MemberList every interval: the client URLs of every member
 * become endpoints (seeds always stay). A failed refresh changes nothing. Rounds do not overlap.
 *
 * <p>Thread-safety: runs on the client's timer and gRPC threads; state is in {@link EndpointSet}.
 */
final class MemberDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberDiscovery.class);

    private final ClusterClient cluster;
    private final EndpointSet endpoints;
    private final DelayScheduler scheduler;
    private final Duration interval;
    private volatile boolean closed;

    MemberDiscovery(ClusterClient cluster, EndpointSet endpoints, DelayScheduler scheduler, Duration interval) {
        this.cluster = cluster;
        this.endpoints = endpoints;
        this.scheduler = scheduler;
        this.interval = interval;
    }

    void start() {
        scheduler.schedule(Duration.ZERO, this::refresh);
    }

    private void refresh() {
        if (closed) {
            return;
        }
        cluster.memberListAsync().whenComplete((members, e) -> {
            if (e != null) {
                LOG.debug("member list refresh failed: {}", e.toString());
            } else {
                endpoints.reconcile(clientEndpoints(members));
            }
            if (!closed) {
                scheduler.schedule(interval, this::refresh);
            }
        });
    }

    /** Every parseable client URL of {@code members}. */
    static Set<Endpoint> clientEndpoints(List<Member> members) {
        Set<Endpoint> out = new HashSet<>();
        for (Member m : members) {
            for (String url : m.clientUrls()) {
                try {
                    out.add(Endpoint.parse(url));
                } catch (RuntimeException e) {
                    LOG.debug("ignoring member client URL {}: {}", url, e.toString());
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
    }
}
