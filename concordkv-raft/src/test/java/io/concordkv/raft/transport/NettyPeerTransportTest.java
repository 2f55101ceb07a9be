package io.concordkv.raft.transport;

import static io.concordkv.raft.transport.TestMessages.append;
import static io.concordkv.raft.transport.TestMessages.assertSameMessages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.testing.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyPeerTransportTest {
    static final TransportConfig FAST_RETRY =
        TransportConfig.defaults().withReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));

    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void closeNodes() {
        nodes.forEach(TestNode::close);
    }

    private TestNode node(long id, TransportConfig config) {
        TestNode n = TestNode.start(id, config);
        nodes.add(n);
        return n;
    }

    private TestNode node(long id) {
        return node(id, FAST_RETRY);
    }

    @Test
    void twoNodesExchangeEveryPeerMessageType() {
        TestNode a = node(1);
        TestNode b = node(2);
        a.knows(b);
        b.knows(a);
        List<Message> toB = new ArrayList<>();
        List<Message> toA = new ArrayList<>();
        for (MessageType type : MessageType.values()) {
            if (!type.isLocal()) {
                toB.add(TestMessages.sample(type, 1, 2, type.ordinal()));
                toA.add(TestMessages.sample(type, 2, 1, 100 + type.ordinal()));
            }
        }
        toB.forEach(a::send);
        toA.forEach(b::send);
        await().until(() -> b.receivedCount() == toB.size() && a.receivedCount() == toA.size());
        assertSameMessages(b.received(), toB);
        assertSameMessages(a.received(), toA);
    }

    @Test
    void threeNodesExchangeBigEntries() {
        TestNode[] n = {node(1), node(2), node(3)};
        List<List<Message>> sent = new ArrayList<>();
        for (TestNode from : n) {
            for (TestNode to : n) {
                if (from != to) {
                    from.knows(to);
                    List<Message> batch = List.of(append(from.id, to.id, 10, 10 << 20), append(from.id, to.id, 11, 1),
                        append(from.id, to.id, 12, (1 << 20) + 3));
                    batch.forEach(from::send);
                    sent.add(batch);
                }
            }
        }
        await().until(() -> n[0].receivedCount() == 6 && n[1].receivedCount() == 6 && n[2].receivedCount() == 6);
        for (List<Message> batch : sent) {
            TestNode to = n[(int) batch.get(0).to() - 1];
            assertSameMessages(to.receivedFrom(batch.get(0).from()), batch);
        }
    }

    @Test
    void messagesToOnePeerArriveInTheOrderSent() {
        TestNode a = node(1, FAST_RETRY.withQueueLimits(100_000, 256L << 20));
        TestNode b = node(2);
        a.knows(b);
        int count = 20_000;
        for (int i = 1; i <= count; i++) {
            a.send(append(1, 2, i, i % 100));
        }
        await().until(() -> b.receivedCount() == count);
        assertThat(b.received()).extracting(m -> m.entries().get(0).index())
            .containsExactlyElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
        assertThat(a.stats().messagesSent()).isEqualTo(count);
        assertThat(a.stats().messagesDropped()).isZero();
    }

    @Test
    void aPeerThatIsDownIsReportedUnreachableAndReachedOnceItStarts() throws IOException {
        TestNode a = node(1);
        InetSocketAddress bAddress = freeLoopbackAddress();
        a.transport.addPeer(2, bAddress);
        a.send(heartbeat(1, 2, 1));
        await().until(() -> a.unreachable.contains(2L));
        await().until(() -> a.stats().messagesDropped() == 1);
        assertThat(a.stats().connects()).isZero();

        TestNode b = TestNode.start(2, TestNode.CLUSTER, bAddress, FAST_RETRY);
        nodes.add(b);
        AtomicLong commit = new AtomicLong(100);
        await().untilAsserted(() -> {
            a.send(heartbeat(1, 2, commit.incrementAndGet()));
            assertThat(b.receivedCount()).isPositive();
        });
        assertThat(a.stats().reconnects()).isPositive();
        assertThat(a.stats().connects()).isEqualTo(1);
        assertThat(b.received()).extracting(Message::commit).isSorted().allMatch(c -> c > 100);
    }

    @Test
    void aLostConnectionIsReportedAndRepaired() {
        TestNode a = node(1);
        TestNode b = node(2);
        a.knows(b);
        a.send(heartbeat(1, 2, 1));
        await().until(() -> b.receivedCount() == 1);
        InetSocketAddress bAddress = b.address();
        b.close();
        await().until(() -> a.unreachable.contains(2L));

        TestNode b2 = TestNode.start(2, TestNode.CLUSTER, bAddress, FAST_RETRY);
        nodes.add(b2);
        AtomicLong commit = new AtomicLong(100);
        await().untilAsserted(() -> {
            a.send(heartbeat(1, 2, commit.incrementAndGet()));
            assertThat(b2.receivedCount()).isPositive();
        });
        assertThat(a.stats().connects()).isEqualTo(2);
    }

    @Test
    void removePeerStopsSending() {
        TestNode a = node(1);
        TestNode b = node(2);
        a.knows(b);
        a.send(heartbeat(1, 2, 1));
        await().until(() -> b.receivedCount() == 1);

        a.transport.removePeer(2);
        a.send(heartbeat(1, 2, 2));
        assertThat(a.unreachable).containsExactly(2L);
        assertThat(a.stats().messagesDropped()).isEqualTo(1);

        a.knows(b);
        a.send(heartbeat(1, 2, 3));
        await().until(() -> b.receivedCount() == 2);
        assertThat(b.received()).extracting(Message::commit).containsExactly(1L, 3L);
        assertThat(a.stats().connects()).isEqualTo(2);
    }

    @Test
    void aMessageTooLargeForAFrameIsDroppedAndReported() {
        TestNode a = node(1, FAST_RETRY.withSnapshotLimits(64 << 10, 1 << 30).withMaxFrameBytes(1 << 20));
        TestNode b = node(2);
        a.knows(b);
        a.send(append(1, 2, 1, 2 << 20));
        a.send(append(1, 2, 2, 1000));
        await().until(() -> b.receivedCount() == 1);
        assertThat(b.received().get(0).index()).isEqualTo(1);
        assertThat(a.unreachable).containsExactly(2L);
        assertThat(a.stats().messagesDropped()).isEqualTo(1);
    }

    @Test
    void aMessageForAnUnknownPeerIsDroppedAndReported() {
        TestNode a = node(1);
        a.send(heartbeat(1, 9, 1));
        assertThat(a.unreachable).containsExactly(9L);
        assertThat(a.stats().messagesDropped()).isEqualTo(1);
    }

    @Test
    void refusesLocalMessagesMessagesToItselfAndBadPeers() {
        TestNode a = node(1);
        assertThatThrownBy(() -> a.send(Message.of(MessageType.HUP, 1, 2, 1)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.send(heartbeat(2, 1, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.transport.addPeer(1, a.address())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.transport.addPeer(0, a.address())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.transport.start()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBusyPortIsReportedAsAddressInUse() {
        TestNode a = node(1);
        try (NettyPeerTransport other = new NettyPeerTransport(2, TestNode.CLUSTER, a.address(), m -> { },
                new RecordingListener(), FAST_RETRY, new Random(2))) {
            assertThatThrownBy(other::start).isInstanceOf(KvException.class)
                .hasMessageContaining("address in use")
                .satisfies(e -> assertThat(((KvException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
        }
    }

    @Test
    void countsWhatItSendsAndReceives() {
        TestNode a = node(1);
        TestNode b = node(2);
        a.knows(b);
        for (int i = 1; i <= 10; i++) {
            a.send(append(1, 2, i, 500));
        }
        await().until(() -> b.receivedCount() == 10);
        TransportStats sent = a.stats();
        await().until(() -> b.stats().bytesReceived() == sent.bytesSent());
        assertThat(sent.messagesSent()).isEqualTo(10);
        assertThat(sent.bytesSent()).isGreaterThan(10 * 500);
        assertThat(sent.connects()).isEqualTo(1);
        assertThat(sent.queuedMessages()).isZero();
        assertThat(b.stats().messagesReceived()).isEqualTo(10);
        assertThat(b.stats().connectionsRejected()).isZero();
    }

    @Test
    void closeIsIdempotentAndLaterSendsAreDroppedQuietly() {
        TestNode a = node(1);
        TestNode b = node(2);
        a.knows(b);
        a.close();
        a.close();
        a.send(heartbeat(1, 2, 1));
        assertThat(a.unreachable).isEmpty();
        assertThat(a.stats().messagesDropped()).isEqualTo(1);
        assertThatThrownBy(() -> a.knows(b)).isInstanceOf(IllegalStateException.class);
    }

    static Message heartbeat(long from, long to, long commit) {
        return Message.of(MessageType.HEARTBEAT, from, to, 1).withCommit(commit);
    }

    /** An address where nothing listens now, and that no {@code bind(0)} takes meanwhile (see {@link LoopbackPorts}). */
    static InetSocketAddress freeLoopbackAddress() throws IOException {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), LoopbackPorts.free());
    }

    /** A listener that records nothing, for transports whose reports do not matter. */
    static final class RecordingListener implements TransportListener {
        @Override
        public void unreachable(long peerId) {
        }

        @Override
        public void snapshotStatus(long peerId, boolean ok) {
        }
    }
}
