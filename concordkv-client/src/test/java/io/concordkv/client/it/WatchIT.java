package io.concordkv.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.Op;
import io.concordkv.client.WatchEvent;
import io.concordkv.client.WatchListener;
import io.concordkv.client.WatchOptions;
import io.concordkv.client.Watcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Watches against a real etcd 3.4: order, prev_kv, ranges, start revision, cancel. */
class WatchIT extends OneEtcd {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void prefixWatchSeesEveryChangeInRevisionOrderWithPrevKv() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watcher w = client.watch().watchEach(WatchOptions.prefix(b("w1/")).withPrevKv(), events::add)) {
            w.started().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 50; i++) {
                client.kv().put(b("w1/k" + (i % 5)), b("v" + i));
            }
            client.kv().delete(Op.deletePrefix(b("w1/")));
            client.kv().put(b("w2/outside"), b("x"));
            await().atMost(WAIT).until(() -> events.size() >= 55);
        }
        assertThat(events).hasSize(55);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).revision()).isGreaterThanOrEqualTo(events.get(i - 1).revision());
        }
        for (int i = 0; i < 50; i++) {
            WatchEvent e = events.get(i);
            assertThat(e.type()).isEqualTo(WatchEvent.Type.PUT);
            assertThat(e.kv().value().toUtf8()).isEqualTo("v" + i);
            if (i >= 5) {
                assertThat(e.prevKv()).map(kv -> kv.value().toUtf8()).contains("v" + (i - 5));
            } else {
                assertThat(e.prevKv()).isEmpty();
            }
        }
        assertThat(events.subList(50, 55)).allMatch(e -> e.type() == WatchEvent.Type.DELETE && e.prevKv().isPresent());
    }

    @Test
    void aWatchFromAnOldRevisionReplaysHistory() throws Exception {
        long first = client.kv().put(b("w3/k"), b("a")).revision();
        client.kv().put(b("w3/k"), b("b"));
        client.kv().put(b("w3/k"), b("c"));
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watcher w = client.watch().watchEach(WatchOptions.key(b("w3/k")).fromRevision(first), events::add)) {
            w.started().get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> events.size() >= 3);
        }
        assertThat(events).extracting(e -> e.kv().value().toUtf8()).containsExactly("a", "b", "c");
    }

    @Test
    void cancelStopsEvents() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        Watcher w = client.watch().watchEach(WatchOptions.range(b("w4/a"), b("w4/m")), events::add);
        w.started().get(10, TimeUnit.SECONDS);
        client.kv().put(b("w4/b"), b("1"));
        client.kv().put(b("w4/z"), b("outside the range"));
        await().atMost(WAIT).until(() -> events.size() == 1);
        w.cancel();
        w.cancel();
        client.kv().put(b("w4/c"), b("2"));
        // a second watch sees the later put, so the first has had every chance to see it too
        List<WatchEvent> later = new CopyOnWriteArrayList<>();
        long rev = client.kv().put(b("w4/d"), b("3")).revision();
        try (Watcher probe = client.watch().watchEach(WatchOptions.key(b("w4/d")).fromRevision(rev), later::add)) {
            await().atMost(WAIT).until(() -> later.size() == 1);
        }
        assertThat(events).singleElement().satisfies(e -> assertThat(e.kv().key().toUtf8()).isEqualTo("w4/b"));
    }

    @Test
    void aWatchFromACompactedRevisionEndsWithCompacted() throws Exception {
        List<KvException> errors = new CopyOnWriteArrayList<>();
        long rev = 0;
        for (int i = 0; i < 3; i++) {
            rev = client.kv().put(b("w5/k"), b("v" + i)).revision();
        }
        EtcdCompaction.compact(etcd, rev);
        Watcher w = client.watch().watch(WatchOptions.key(b("w5/k")).fromRevision(1), new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
            }

            @Override
            public void onError(KvException error) {
                errors.add(error);
            }
        });
        await().atMost(WAIT).until(() -> !errors.isEmpty());
        assertThat(errors).singleElement().extracting(KvException::code).isEqualTo(ErrorCode.COMPACTED);
        w.close();
    }
}
