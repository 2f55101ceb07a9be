package io.concordkv.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.concordkv.testing.LoopbackPorts;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a server under a write load with {@code --fsync always}; after a restart every write it
 * acknowledged is there, with the value acknowledged last.
 */
class ServerKillNineIT {
    private static final int WRITERS = 8;
    private static final int MAX_WRITES_PER_WRITER = 5_000;

    @TempDir
    Path dir;

    private static ByteString bs(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        int port = LoopbackPorts.free();
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch someWritten = new CountDownLatch(WRITERS * 50);
        CountDownLatch writersDone = new CountDownLatch(WRITERS);
        try (ServerProcess server = ServerProcess.start(dir, port, "--fsync", "always")) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    new Thread(() -> {
                        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                        for (int i = 0; i < MAX_WRITES_PER_WRITER && !stop.get(); i++) {
                            String key = "w" + writer + "/k" + (i % 100);
                            try {
                                kv.withDeadlineAfter(5, TimeUnit.SECONDS)
                                    .put(PutRequest.newBuilder().setKey(bs(key)).setValue(bs(Integer.toString(i))).build());
                                acknowledged.put(key, i);
                                someWritten.countDown();
                            } catch (RuntimeException e) {
                                break;
                            }
                        }
                        writersDone.countDown();
                    }, "writer-" + w).start();
                }
                assertThat(someWritten.await(30, TimeUnit.SECONDS)).isTrue();
                server.kill();
                stop.set(true);
                assertThat(writersDone.await(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                channel.shutdownNow();
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(WRITERS);
        try (ServerProcess server = ServerProcess.start(dir, port)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                RangeResponse all = KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .range(RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")).build());
                Map<String, Integer> found = new ConcurrentHashMap<>();
                all.getKvsList().forEach(kv -> found.put(kv.getKey().toStringUtf8(),
                    Integer.parseInt(kv.getValue().toStringUtf8())));
                for (Map.Entry<String, Integer> e : acknowledged.entrySet()) {
                    assertThat(found).containsKey(e.getKey());
                    // a write in flight at the kill may have landed after the last acknowledged one
                    assertThat(found.get(e.getKey())).as(e.getKey()).isGreaterThanOrEqualTo(e.getValue());
                }
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
