package io.concordkv.client.it;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/** Compacts an etcd's history directly over gRPC (the client has no compaction call). */
final class EtcdCompaction {
    private EtcdCompaction() {
    }

    static void compact(EtcdProcess etcd, long revision) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(etcd.endpoint().host(), etcd.endpoint().port())
            .usePlaintext().build();
        try {
            KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .compact(CompactionRequest.newBuilder().setRevision(revision).setPhysical(true).build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
