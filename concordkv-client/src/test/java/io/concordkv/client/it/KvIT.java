package io.concordkv.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.Compare;
import io.concordkv.client.DeleteResult;
import io.concordkv.client.EndpointStatus;
import io.concordkv.client.GetResult;
import io.concordkv.client.KeyValue;
import io.concordkv.client.Op;
import io.concordkv.client.OpResult;
import io.concordkv.client.PutResult;
import io.concordkv.client.Txn;
import io.concordkv.client.TxnResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Every KV call, transactions and batches against a real etcd 3.4. */
class KvIT extends OneEtcd {
    private static List<String> keys(GetResult r) {
        return r.kvs().stream().map(kv -> kv.key().toUtf8()).toList();
    }

    @Test
    void putThenGetReturnsTheValueWithItsMetadata() {
        PutResult first = client.kv().put(b("kv/a"), b("1"));
        PutResult second = client.kv().put(Op.put(b("kv/a"), b("2")).withPrevKv());
        assertThat(second.revision()).isGreaterThan(first.revision());
        assertThat(second.prevKv()).map(kv -> kv.value().toUtf8()).contains("1");
        KeyValue kv = client.kv().get(b("kv/a")).first().orElseThrow();
        assertThat(kv.value().toUtf8()).isEqualTo("2");
        assertThat(kv.version()).isEqualTo(2);
        assertThat(kv.createRevision()).isEqualTo(first.revision());
        assertThat(kv.modRevision()).isEqualTo(second.revision());
        assertThat(client.kv().get(b("kv/missing")).kvs()).isEmpty();
    }

    @Test
    void rangeOptionsPrefixLimitKeysOnlyCountOnlyRevisionAndSerializable() {
        long rev = 0;
        for (String k : List.of("r/a", "r/b", "r/c", "r/d")) {
            rev = client.kv().put(b(k), b("v-" + k)).revision();
        }
        client.kv().put(b("r/a"), b("changed"));
        client.kv().put(b("s/other"), b("x"));
        assertThat(keys(client.kv().get(Op.prefix(b("r/"))))).containsExactly("r/a", "r/b", "r/c", "r/d");
        GetResult limited = client.kv().get(Op.prefix(b("r/")).withLimit(2));
        assertThat(keys(limited)).containsExactly("r/a", "r/b");
        assertThat(limited.more()).isTrue();
        assertThat(limited.count()).isEqualTo(4);
        assertThat(keys(client.kv().get(Op.range(b("r/b"), b("r/d"))))).containsExactly("r/b", "r/c");
        GetResult keysOnly = client.kv().get(Op.prefix(b("r/")).withKeysOnly());
        assertThat(keysOnly.kvs()).allMatch(kv -> kv.value().isEmpty()).hasSize(4);
        GetResult countOnly = client.kv().get(Op.prefix(b("r/")).withCountOnly());
        assertThat(countOnly.kvs()).isEmpty();
        assertThat(countOnly.count()).isEqualTo(4);
        assertThat(client.kv().get(Op.get(b("r/a")).atRevision(rev)).first().orElseThrow().value().toUtf8())
            .isEqualTo("v-r/a");
        assertThat(client.kv().get(Op.get(b("r/a")).withSerializable()).first().orElseThrow().value().toUtf8())
            .isEqualTo("changed");
    }

    @Test
    void aReadAtAFutureRevisionFailsWithFutureRevision() {
        long now = client.kv().put(b("f/x"), b("1")).revision();
        assertThatThrownBy(() -> client.kv().get(Op.get(b("f/x")).atRevision(now + 1000)))
            .isInstanceOf(KvException.class)
            .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.FUTURE_REVISION);
    }

    @Test
    void aReadAtACompactedRevisionFailsWithCompacted() throws InterruptedException {
        long old = client.kv().put(b("c/x"), b("1")).revision();
        long now = client.kv().put(b("c/x"), b("2")).revision();
        EtcdCompaction.compact(etcd, now);
        assertThatThrownBy(() -> client.kv().get(Op.get(b("c/x")).atRevision(old)))
            .isInstanceOf(KvException.class)
            .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.COMPACTED);
    }

    @Test
    void deleteOneKeyAndARangeWithPrevKv() {
        client.kv().put(b("d/1"), b("a"));
        client.kv().put(b("d/2"), b("b"));
        client.kv().put(b("d/3"), b("c"));
        assertThat(client.kv().delete(b("d/1")).deleted()).isEqualTo(1);
        DeleteResult range = client.kv().delete(Op.deletePrefix(b("d/")).withPrevKv());
        assertThat(range.deleted()).isEqualTo(2);
        assertThat(range.prevKvs()).extracting(kv -> kv.value().toUtf8()).containsExactly("b", "c");
        assertThat(client.kv().get(Op.prefix(b("d/"))).count()).isZero();
        assertThat(client.kv().delete(Op.delete(b("d/none")).asIdempotent()).deleted()).isZero();
    }

    @Test
    void txnRunsTheBranchItsComparesChoose() {
        PutResult put = client.kv().put(b("t/k"), b("v1"));
        TxnResult ok = client.kv().txn(Txn.when(
                Compare.value(b("t/k"), Compare.Operator.EQUAL, b("v1")),
                Compare.version(b("t/k"), Compare.Operator.EQUAL, 1),
                Compare.createRevision(b("t/k"), Compare.Operator.EQUAL, put.revision()),
                Compare.modRevision(b("t/k"), Compare.Operator.LESS, put.revision() + 1),
                Compare.lease(b("t/k"), Compare.Operator.EQUAL, 0))
            .then(Op.put(b("t/k"), b("v2")), Op.get(b("t/k")), Op.delete(b("t/other")))
            .orElse(Op.get(b("t/k"))));
        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.results()).hasSize(3);
        assertThat(ok.results().get(0)).isInstanceOf(PutResult.class);
        assertThat(((GetResult) ok.results().get(1)).first().orElseThrow().value().toUtf8()).isEqualTo("v2");
        assertThat(ok.results().get(2)).isInstanceOf(DeleteResult.class);
        TxnResult no = client.kv().txn(Txn.when(Compare.value(b("t/k"), Compare.Operator.EQUAL, b("v1")))
            .then(Op.put(b("t/k"), b("never")))
            .orElse(Op.get(b("t/k"))));
        assertThat(no.succeeded()).isFalse();
        assertThat(((GetResult) no.results().get(0)).first().orElseThrow().value().toUtf8()).isEqualTo("v2");
        TxnResult leaseMismatch = client.kv().txn(Txn.when(Compare.lease(b("t/k"), Compare.Operator.GREATER, 0)));
        assertThat(leaseMismatch.succeeded()).isFalse();
    }

    @Test
    void batchRunsEverythingAndAnswersInOrder() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ops.add(Op.put(b("b/" + i), b("v" + i)));
        }
        List<OpResult> puts = client.kv().batch(ops, Duration.ofSeconds(5));
        assertThat(puts).hasSize(20).allMatch(r -> r instanceof PutResult);
        List<Op> reads = new ArrayList<>();
        for (int i = 19; i >= 0; i--) {
            reads.add(Op.get(b("b/" + i)));
        }
        List<OpResult> got = client.kv().batch(reads, Duration.ofSeconds(5));
        for (int i = 0; i < 20; i++) {
            assertThat(((GetResult) got.get(i)).first().orElseThrow().value().toUtf8()).isEqualTo("v" + (19 - i));
        }
    }

    @Test
    void asyncCallsCompleteAndMemberListAndStatusAnswer() {
        CompletableFuture<PutResult> put = client.kv().putAsync(Op.put(b("a/1"), b("x")));
        CompletableFuture<GetResult> get = put.thenCompose(p -> client.kv().getAsync(Op.get(b("a/1"))));
        assertThat(get.join().first().orElseThrow().value().toUtf8()).isEqualTo("x");
        assertThat(client.kv().executeAsync(Op.delete(b("a/1"))).join()).isInstanceOf(DeleteResult.class);
        assertThat(client.cluster().memberList()).singleElement()
            .satisfies(m -> assertThat(m.clientUrls()).contains("http://" + etcd.endpoint()));
        EndpointStatus status = client.cluster().status(etcd.endpoint());
        assertThat(status.version()).startsWith("3.4");
        assertThat(status.leader()).isEqualTo(status.memberId());
    }
}
