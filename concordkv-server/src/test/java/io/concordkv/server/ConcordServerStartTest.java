package io.concordkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up fails fast and clearly, and leaves nothing half-open behind. */
class ConcordServerStartTest {
    @TempDir
    Path dir;

    private static ErrorCode code(Throwable t) {
        return ((KvException) t).code();
    }

    @Test
    void aDataDirectoryInUseIsRefusedWithLocked() {
        try (ConcordServer first = TestServers.start(dir)) {
            assertThat(first.grpcPort()).isPositive();
            assertThatThrownBy(() -> TestServers.start(dir)).isInstanceOf(KvException.class)
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED));
        }
    }

    @Test
    void aBusyPortIsRefusedAndTheDataDirectoryIsReleased() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> flags = Map.of("listen-client", "127.0.0.1:" + taken.getLocalPort());
            assertThatThrownBy(() -> ConcordServer.start(TestServers.config(dir, flags)))
                .isInstanceOf(KvException.class).hasMessageContaining("address in use")
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.UNAVAILABLE));
        }
        try (ConcordServer again = TestServers.start(dir)) {
            assertThat(again.grpcPort()).as("the failed start let go of the store").isPositive();
        }
    }

    @Test
    void settingsComeFromFileThenEnvironmentThenFlagsAndBadOnesAreNamed() throws Exception {
        Path file = dir.resolve("concordkv.properties");
        Files.writeString(file, "name=from-file\nengine=hash\nfsync=batch\n");
        ServerConfig c = ServerConfig.resolve(Optional.of(file), Map.of("CONCORDKV_ENGINE", "array",
            "CONCORDKV_FSYNC", "never"), Map.of("fsync", "always"));
        assertThat(c.name()).isEqualTo("from-file");
        assertThat(c.engine()).isEqualTo("array");
        assertThat(c.fsync().name()).isEqualTo("ALWAYS");
        assertThatThrownBy(() -> ServerConfig.resolve(Optional.empty(), Map.of(), Map.of("nmae", "x")))
            .hasMessageContaining("unknown setting 'nmae'");
        // no log at all is for a cluster member's store only, never a flag a user can lose data with
        assertThatThrownBy(() -> ServerConfig.resolve(Optional.empty(), Map.of(), Map.of("fsync", "off")))
            .hasMessageContaining("fsync must be always, batch or never");
        assertThatThrownBy(() -> ServerConfig.resolve(Optional.empty(), Map.of(), Map.of("listen-client", "nowhere")))
            .hasMessageContaining("listen-client must be host:port");
        assertThatThrownBy(() -> ServerConfig.resolve(Optional.empty(), Map.of(), Map.of("fsync", "sometimes")))
            .hasMessageContaining("fsync must be always, batch or never");
        assertThat(c.grpcTransport()).isEqualTo("lean");
        assertThatThrownBy(() -> ServerConfig.resolve(Optional.empty(), Map.of(), Map.of("grpc-transport", "okhttp")))
            .hasMessageContaining("grpc-transport must be lean or grpc-java");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"lean", "grpc-java"})
    void eitherGrpcTransportServesTheEtcdApi(String transport) throws Exception {
        try (ConcordServer server = ConcordServer.start(TestServers.config(dir, Map.of("grpc-transport", transport)))) {
            io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext().build();
            try {
                var kv = io.etcd.jetcd.api.KVGrpc.newBlockingStub(channel);
                com.google.protobuf.ByteString key = com.google.protobuf.ByteString.copyFromUtf8("k");
                long revision = kv.put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(key)
                    .setValue(com.google.protobuf.ByteString.copyFromUtf8("v")).build()).getHeader().getRevision();
                assertThat(revision).isPositive();
                assertThat(kv.range(io.etcd.jetcd.api.RangeRequest.newBuilder().setKey(key).build()).getKvs(0)
                    .getValue().toStringUtf8()).isEqualTo("v");
            } finally {
                channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }
}
