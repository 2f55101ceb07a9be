package io.concordkv.raft.transport;

import static io.concordkv.raft.transport.NettyPeerTransportTest.freeLoopbackAddress;
import static io.concordkv.raft.transport.TestMessages.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concordkv.raft.core.Message;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** A flood towards a peer that cannot take it costs at most the queue's limits; the rest is dropped. */
class QueueBoundTest {
    private static final int MAX_MESSAGES = 200;
    private static final long MAX_BYTES = 64 << 10;
    private static final TransportConfig SMALL_QUEUE = TransportConfig.defaults()
        .withQueueLimits(MAX_MESSAGES, MAX_BYTES)
        .withReconnectBackoff(Duration.ofMillis(500), Duration.ofSeconds(1));

    @Test
    void aFloodToAnUnreachablePeerStaysWithinTheQueueLimits() throws Exception {
        try (TestNode a = TestNode.start(1, SMALL_QUEUE)) {
            a.transport.addPeer(2, freeLoopbackAddress());
            int perThread = 25_000;
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                messages.add(append(1, 2, i + 1, 1000));
            }
            ExecutorService senders = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<Void>> floods = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    floods.add(CompletableFuture.runAsync(() -> flood(a, messages, perThread), senders));
                }
                CompletableFuture.allOf(floods.toArray(CompletableFuture[]::new)).get();
            } finally {
                senders.shutdown();
            }
            TransportStats stats = a.stats();
            assertThat(stats.messagesDropped()).isGreaterThanOrEqualTo(4L * perThread - MAX_MESSAGES);
            assertThat(stats.messagesSent()).isZero();
            assertThat(a.unreachable).contains(2L);
        }
    }

    @Test
    void aPeerThatStopsReadingHoldsOnlyTheQueueAndTheSocketBuffers() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket deaf = new ServerSocket()) {
            deaf.setReceiveBufferSize(64 << 10);
            deaf.bind(new InetSocketAddress(loopback, 0), 1);
            try (TestNode a = TestNode.start(1, SMALL_QUEUE)) {
                a.transport.addPeer(2, new InetSocketAddress(loopback, deaf.getLocalPort()));
                await().until(() -> {
                    flood(a, List.of(append(1, 2, 1, 4000)), 2000);
                    return a.stats().messagesDropped() > 10_000;
                });
                TransportStats stats = a.stats();
                assertThat(stats.connects()).isEqualTo(1);
                assertThat(stats.bytesSent()).as("bytes handed to the socket").isLessThan(32L << 20);
                assertThat(stats.messagesSent() + stats.messagesDropped() + stats.queuedMessages())
                    .isGreaterThan(10_000);
            }
        }
    }

    /** Sends {@code count} messages, checking the queue's bounds after each. */
    private static void flood(TestNode a, List<Message> messages, int count) {
        for (int i = 0; i < count; i++) {
            a.send(messages.get(i % messages.size()));
            TransportStats s = a.stats();
            assertThat(s.queuedMessages()).isLessThanOrEqualTo(MAX_MESSAGES);
            assertThat(s.queuedBytes()).isLessThanOrEqualTo(MAX_BYTES);
        }
    }
}
