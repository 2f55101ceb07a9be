package io.concordkv.client.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.concordkv.api.Bytes;
import io.concordkv.client.ConcordClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real etcd 3.4 process per test class, and a client of it; skipped when the etcd binary is
 * not installed. Test classes run one after another, so the static fields serve each in turn.
 */
abstract class OneEtcd {
    @TempDir
    static Path dir;
    static EtcdProcess etcd;
    static ConcordClient client;

    @BeforeAll
    static void start() {
        assumeTrue(EtcdProcess.available(), "etcd binary not installed");
        etcd = EtcdProcess.start(dir, "one");
        client = ConcordClient.builder().endpoints(List.of(etcd.endpoint())).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (etcd != null) {
            etcd.close();
            etcd = null;
        }
    }

    static Bytes b(String s) {
        return Bytes.utf8(s);
    }
}
