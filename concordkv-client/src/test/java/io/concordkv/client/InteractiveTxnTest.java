package io.concordkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.ConcordServer;
import io.concordkv.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interactive transactions of the client against a real ConcordKV server started in this JVM. */
class InteractiveTxnTest {
    private static final TxnSpec RR = TxnSpec.of(TxnSpec.Isolation.REPEATABLE_READ, TxnSpec.Mode.OPTIMISTIC);

    @TempDir
    Path dir;
    private ConcordServer server;
    private ConcordClient client;

    @BeforeEach
    void start() {
        server = ConcordServer.start(ServerConfig.resolve(Optional.empty(), Map.of(), Map.of("data-dir",
            dir.toString(), "listen-client", "127.0.0.1:0", "listen-http", "127.0.0.1:0", "fsync", "never")));
        client = connect();
    }

    private ConcordClient connect() {
        return ConcordClient.builder().endpoints("127.0.0.1:" + server.grpcPort()).health(HealthConfig.DISABLED)
            .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private Optional<String> value(String key) {
        return client.kv().get(b(key)).first().map(kv -> kv.value().toUtf8());
    }

    @Test
    void writesBecomeVisibleAtCommitAndAreReadByTheirOwnTransaction() {
        try (InteractiveTxn txn = client.transactions().begin(RR)) {
            assertThat(txn.id()).isNotEmpty();
            assertThat(txn.endpoint().port()).isEqualTo(server.grpcPort());
            txn.put(b("a"), b("1"));
            txn.put(b("b"), b("2"));
            assertThat(txn.get(b("a")).map(kv -> kv.value().toUtf8())).contains("1");
            assertThat(txn.range(b("a"), b("c"), 0).kvs()).hasSize(2);
            InteractiveTxn.RangeResult limited = txn.range(b("a"), b("c"), 1);
            assertThat(limited.kvs()).hasSize(1);
            assertThat(limited.more()).isTrue();
            assertThat(value("a")).as("not visible before commit").isEmpty();
            long revision = txn.commit();
            assertThat(revision).isGreaterThan(txn.startRevision());
            assertThat(txn.isOpen()).isFalse();
        }
        assertThat(value("a")).contains("1");
        assertThat(value("b")).contains("2");
    }

    @Test
    void deleteAndRollback() {
        client.kv().put(b("k"), b("v"));
        try (InteractiveTxn txn = client.transactions().begin(TxnSpec.defaults())) {
            txn.delete(b("k"));
            assertThat(txn.get(b("k"))).isEmpty();
            txn.rollback();
        }
        assertThat(value("k")).contains("v");
    }

    @Test
    void closeRollsBackAnOpenTransaction() {
        InteractiveTxn txn = client.transactions().begin(RR);
        txn.put(b("k"), b("v"));
        txn.close();
        assertThat(txn.isOpen()).isFalse();
        assertThat(value("k")).isEmpty();
        assertThatThrownBy(txn::commit).isInstanceOf(KvException.class);
    }

    @Test
    void writeWriteConflictIsSurfacedAndRunRetriesItToSuccess() {
        client.kv().put(b("counter"), b("0"));
        InteractiveTxn first = client.transactions().begin(RR);
        first.put(b("counter"), b("first"));
        client.kv().put(b("counter"), b("other"));
        assertThatThrownBy(first::commit).isInstanceOf(KvException.class)
            .satisfies(e -> assertThat(((KvException) e).code()).isEqualTo(ErrorCode.CONFLICT));

        AtomicInteger runs = new AtomicInteger();
        String result = client.transactions().run(RR, txn -> {
            String seen = txn.get(b("counter")).orElseThrow().value().toUtf8();
            if (runs.incrementAndGet() == 1) {
                client.kv().put(b("counter"), b("concurrent"));
            }
            txn.put(b("counter"), b(seen + "+1"));
            return seen;
        }, 3);
        assertThat(runs).hasValue(2);
        assertThat(result).isEqualTo("concurrent");
        assertThat(value("counter")).contains("concurrent+1");
    }

    @Test
    void runGivesUpAfterMaxAttempts() {
        client.kv().put(b("k"), b("0"));
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> client.transactions().run(RR, txn -> {
            runs.incrementAndGet();
            txn.get(b("k"));
            client.kv().put(b("k"), b("x"));
            txn.put(b("k"), b("y"));
            return null;
        }, 2)).isInstanceOf(KvException.class);
        assertThat(runs).hasValue(2);
    }

    @Test
    void pessimisticLockIsReleasedWhenTheClientThatHeldItCloses() {
        TxnSpec pessimistic = TxnSpec.of(TxnSpec.Isolation.REPEATABLE_READ, TxnSpec.Mode.PESSIMISTIC)
            .withLockWait(Duration.ofMillis(200));
        ConcordClient holder = connect();
        InteractiveTxn held = holder.transactions().begin(pessimistic);
        held.getForUpdate(b("lock"));
        try (InteractiveTxn waiting = client.transactions().begin(pessimistic)) {
            assertThatThrownBy(() -> waiting.getForUpdate(b("lock"))).isInstanceOf(KvException.class)
                .satisfies(e -> assertThat(((KvException) e).code().retryable()).isTrue());
        }
        holder.close();
        // the server drops the connection's transactions as it notices the close: begin again until the lock is free
        String got = client.transactions().run(pessimistic.withLockWait(Duration.ofSeconds(5)), txn -> {
            txn.getForUpdate(b("lock"));
            txn.put(b("lock"), b("mine"));
            return "ok";
        }, 3);
        assertThat(got).isEqualTo("ok");
        assertThat(value("lock")).contains("mine");
    }

    @Test
    void readOnlyTransactionRefusesWrites() {
        try (InteractiveTxn txn = client.transactions().begin(RR.asReadOnly())) {
            assertThatThrownBy(() -> txn.put(b("k"), b("v"))).isInstanceOf(KvException.class)
                .satisfies(e -> assertThat(((KvException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }
}
