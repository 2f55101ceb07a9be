package io.concordkv.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.concordkv.server.ConcordServer;
import io.concordkv.server.TestServers;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several watchers on one etcd watch stream: created in order, events routed by watch id, cancel. */
class WatchStreamTest {
    @TempDir
    Path dir;

    private static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static WatchRequest create(String key) {
        return WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(bs(key))).build();
    }

    /** "id:key" for each event, in arrival order. */
    private static List<String> events(List<WatchResponse> responses) {
        return responses.stream().flatMap(r -> r.getEventsList().stream()
            .map(e -> r.getWatchId() + ":" + e.getKv().getKey().toStringUtf8())).collect(Collectors.toList());
    }

    @Test
    void manyWatchersShareOneStreamAndACancelledOneHearsNothingMore() {
        try (ConcordServer server = TestServers.start(dir)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
            try {
                List<WatchResponse> got = new CopyOnWriteArrayList<>();
                StreamObserver<WatchRequest> stream = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
                    @Override
                    public void onNext(WatchResponse r) {
                        got.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
                stream.onNext(create("a"));
                stream.onNext(create("b"));
                await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().filter(WatchResponse::getCreated).count() == 2);
                List<Long> ids = got.stream().filter(WatchResponse::getCreated).map(WatchResponse::getWatchId).toList();
                assertThat(ids).doesNotHaveDuplicates();
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                kv.put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("1")).build());
                kv.put(PutRequest.newBuilder().setKey(bs("b")).setValue(bs("1")).build());
                await().atMost(Duration.ofSeconds(10)).until(() -> events(got).size() == 2);
                assertThat(events(got)).containsExactly(ids.get(0) + ":a", ids.get(1) + ":b");

                stream.onNext(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder()
                    .setWatchId(ids.get(0))).build());
                await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(WatchResponse::getCanceled));
                kv.put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("2")).build());
                kv.put(PutRequest.newBuilder().setKey(bs("b")).setValue(bs("2")).build());
                await().atMost(Duration.ofSeconds(10)).until(() -> events(got).size() == 3);
                assertThat(events(got).get(2)).as("only the live watcher hears the later puts").isEqualTo(ids.get(1) + ":b");
                stream.onCompleted();
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
