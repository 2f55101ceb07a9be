package io.concordkv.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Servers for tests: on a temporary directory, ports chosen by the OS. */
public final class TestServers {
    private TestServers() {
    }

    public static ServerConfig config(Path dir, Map<String, String> extra) {
        Map<String, String> flags = new java.util.HashMap<>(Map.of("data-dir", dir.toString(),
            "listen-client", "127.0.0.1:0", "listen-http", "127.0.0.1:0", "fsync", "never"));
        flags.putAll(extra);
        return ServerConfig.resolve(Optional.empty(), Map.of(), flags);
    }

    public static ConcordServer start(Path dir) {
        return ConcordServer.start(config(dir, Map.of()));
    }
}
