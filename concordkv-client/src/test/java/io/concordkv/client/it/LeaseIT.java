package io.concordkv.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concordkv.client.Compare;
import io.concordkv.client.KeepAlive;
import io.concordkv.client.LeaseGrant;
import io.concordkv.client.LeaseNotFoundException;
import io.concordkv.client.LeaseTimeToLive;
import io.concordkv.client.Op;
import io.concordkv.client.Txn;
import io.concordkv.client.WatchEvent;
import io.concordkv.client.WatchOptions;
import io.concordkv.client.Watcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Leases against a real etcd 3.4: grant, attach, keep-alive, expiry, revoke, list. */
class LeaseIT extends OneEtcd {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void grantAttachTimeToLiveListAndRevoke() {
        LeaseGrant lease = client.leases().grant(30);
        assertThat(lease.ttlSeconds()).isEqualTo(30);
        client.kv().put(Op.put(b("l1/a"), b("x")).withLease(lease.id()));
        assertThat(client.kv().get(b("l1/a")).first().orElseThrow().lease()).isEqualTo(lease.id());
        assertThat(client.kv().txn(Txn.when(Compare.lease(b("l1/a"), Compare.Operator.EQUAL, lease.id())))
            .succeeded()).isTrue();
        LeaseTimeToLive ttl = client.leases().timeToLive(lease.id(), true);
        assertThat(ttl.alive()).isTrue();
        assertThat(ttl.grantedTtlSeconds()).isEqualTo(30);
        assertThat(ttl.keys()).containsExactly(b("l1/a"));
        assertThat(client.leases().list()).contains(lease.id());
        assertThat(client.leases().keepAliveOnce(lease.id())).isEqualTo(30);
        client.leases().revoke(lease.id());
        assertThat(client.kv().get(b("l1/a")).kvs()).isEmpty();
        assertThat(client.leases().timeToLive(lease.id(), false).alive()).isFalse();
        assertThat(client.leases().list()).doesNotContain(lease.id());
        assertThatThrownBy(() -> client.leases().revoke(lease.id())).isInstanceOf(LeaseNotFoundException.class);
        assertThatThrownBy(() -> client.leases().keepAliveOnce(lease.id()))
            .isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void anExpiredLeaseDeletesItsKeys() throws Exception {
        LeaseGrant lease = client.leases().grant(1);
        long rev = client.kv().put(Op.put(b("l2/k"), b("x")).withLease(lease.id())).revision();
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watcher w = client.watch().watchEach(WatchOptions.key(b("l2/k")).fromRevision(rev + 1), events::add)) {
            w.started().get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> !events.isEmpty());
        }
        assertThat(events).singleElement().extracting(WatchEvent::type).isEqualTo(WatchEvent.Type.DELETE);
        assertThat(client.kv().get(b("l2/k")).kvs()).isEmpty();
    }

    @Test
    void keepAliveHoldsALeasePastItsTtlUntilClosed() {
        LeaseGrant lease = client.leases().grant(1);
        client.kv().put(Op.put(b("l3/k"), b("x")).withLease(lease.id()));
        long granted = client.leases().timeToLive(lease.id(), false).grantedTtlSeconds();
        KeepAlive keepAlive = client.leases().keepAlive(lease.id());
        await().atMost(WAIT).until(() -> keepAlive.lastTtlSeconds() > 0);
        // outlive several TTLs: the key must still be there; bounded by the count and WAIT
        long firstExpiry = System.nanoTime() + Duration.ofSeconds(granted * 3).toNanos();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(client.kv().get(b("l3/k")).kvs()).as("key kept alive").hasSize(1);
            return System.nanoTime() > firstExpiry;
        });
        assertThat(keepAlive.done()).isNotDone();
        keepAlive.close();
        assertThat(keepAlive.done()).isCompleted();
        await().atMost(WAIT).until(() -> client.kv().get(b("l3/k")).kvs().isEmpty());
    }

    @Test
    void keepAliveOfARevokedLeaseEndsWithLeaseNotFound() {
        LeaseGrant lease = client.leases().grant(30);
        client.leases().revoke(lease.id());
        KeepAlive keepAlive = client.leases().keepAlive(lease.id());
        await().atMost(WAIT).until(() -> keepAlive.done().isDone());
        assertThat(keepAlive.done()).isCompletedExceptionally();
        assertThatThrownBy(() -> keepAlive.done().join()).hasCauseInstanceOf(LeaseNotFoundException.class);
    }
}
