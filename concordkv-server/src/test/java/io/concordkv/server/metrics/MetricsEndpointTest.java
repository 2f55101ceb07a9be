package io.concordkv.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.concordkv.server.ConcordServer;
import io.concordkv.server.TestServers;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on a running server: what the issue lists is there, and it counts. */
class MetricsEndpointTest {
    @TempDir
    Path dir;

    private static String get(ConcordServer server, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void requestsErrorsTransactionsWalStoreAndProcessAreExposed() throws Exception {
        try (ConcordServer server = ConcordServer.start(TestServers.config(dir, Map.of("fsync", "always")))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                for (int i = 0; i < 3; i++) {
                    kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k" + i))
                        .setValue(ByteString.copyFromUtf8("v")).build());
                }
                assertThatThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k0"))
                    .setRevision(1_000).build())).hasMessageContaining("future revision");
            } finally {
                channel.shutdownNow();
            }
            get(server, "/v1/kv/k1");
            String metrics = get(server, "/metrics");
            assertThat(metrics)
                .containsPattern("concordkv_requests_seconds_count\\{[^}]*op=\"etcdserverpb.KV/Put\"[^}]*outcome=\"OK\""
                    + "[^}]*protocol=\"grpc\"[^}]*} 3")
                .containsPattern("concordkv_requests_seconds_bucket\\{[^}]*op=\"etcdserverpb.KV/Put\"")
                .containsPattern("concordkv_requests_seconds_count\\{[^}]*op=\"GET /v1/kv/<key>\"[^}]*} 1")
                .containsPattern("concordkv_errors_total\\{code=\"FUTURE_REVISION\"[^}]*} 1")
                .containsPattern("concordkv_txn_commits_total\\{")
                .containsPattern("concordkv_wal_fsync_seconds_count\\{[^}]*} [1-9]")
                .containsPattern("concordkv_wal_fsynced_writes_total\\{[^}]*} [1-9]")
                .containsPattern("concordkv_store_records\\{[^}]*} [1-9]")
                .containsPattern("concordkv_mvcc_revision\\{[^}]*} 4")
                .contains("process_cpu_usage", "jvm_memory_used_bytes", "jvm_gc_", "node=\"default\"");
            assertThat(get(server, "/health")).contains("true");
            assertThat(get(server, "/ready")).contains("true");
        }
    }
}
