package io.concordkv.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Cluster membership and per-server status. Thread-safe. */
public interface ClusterClient {
    /** The members of the cluster, as the answering server knows them. */
    CompletableFuture<List<Member>> memberListAsync();

    /** The status of one particular endpoint (sent to that endpoint only, no failover). */
    CompletableFuture<EndpointStatus> statusAsync(Endpoint endpoint);

    default List<Member> memberList() {
        return Blocking.await(memberListAsync());
    }

    default EndpointStatus status(Endpoint endpoint) {
        return Blocking.await(statusAsync(endpoint));
    }
}
