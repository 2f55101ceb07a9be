package io.concordkv.raft.transport;

import static io.concordkv.raft.transport.NettyPeerTransportTest.FAST_RETRY;
import static io.concordkv.raft.transport.NettyPeerTransportTest.freeLoopbackAddress;
import static io.concordkv.raft.transport.NettyPeerTransportTest.heartbeat;
import static io.concordkv.raft.transport.TestMessages.assertSameMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotTransferTest {
    private static final int MIB = 1 << 20;
    /** Frames of 2 MiB: a 5 MiB image can only travel in chunks (of 1 MiB). */
    private static final TransportConfig SMALL_FRAMES = FAST_RETRY.withSnapshotLimits(MIB, 64L * MIB)
        .withMaxFrameBytes(2 * MIB);

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

    private static Message snap(long from, long to, int imageBytes) {
        return Message.of(MessageType.SNAP, from, to, 7).withSnapshot(TestMessages.snapshot(1000, 6, imageBytes, 99));
    }

    @Test
    void aFiveMiBSnapshotGoesInChunksAndArrivesIntact() {
        TestNode a = node(1, SMALL_FRAMES);
        TestNode b = node(2, SMALL_FRAMES);
        a.knows(b);
        Message snap = snap(1, 2, 5 * MIB);
        a.send(snap);
        await().until(() -> b.receivedCount() == 1);
        assertSameMessage(b.received().get(0), snap);
        await().until(() -> !a.snapshotStatus.isEmpty());
        assertThat(a.snapshotStatus).containsExactly(Map.entry(2L, true));
        assertThat(a.stats().snapshotsSent()).isEqualTo(1);
        assertThat(b.stats().snapshotsReceived()).isEqualTo(1);
        assertThat(a.stats().bytesSent()).isBetween(5L * MIB, 5L * MIB + 1024);
    }

    @Test
    void messagesAroundASnapshotKeepTheirOrder() {
        TestNode a = node(1, SMALL_FRAMES);
        TestNode b = node(2, SMALL_FRAMES);
        a.knows(b);
        a.send(heartbeat(1, 2, 1));
        a.send(snap(1, 2, 3 * MIB + 17));
        a.send(heartbeat(1, 2, 2));
        a.send(snap(1, 2, 100));
        await().until(() -> b.receivedCount() == 4);
        assertThat(b.received()).extracting(Message::type)
            .containsExactly(MessageType.HEARTBEAT, MessageType.SNAP, MessageType.HEARTBEAT, MessageType.SNAP);
        assertThat(b.received().get(1).snapshot().data()).hasSize(3 * MIB + 17);
        await().until(() -> a.snapshotStatus.size() == 2);
        assertThat(a.snapshotStatus).containsOnly(Map.entry(2L, true));
    }

    @Test
    void aSnapshotToAPeerThatIsDownFails() throws IOException {
        TestNode a = node(1, SMALL_FRAMES);
        a.transport.addPeer(2, freeLoopbackAddress());
        a.send(snap(1, 2, 5 * MIB));
        await().until(() -> !a.snapshotStatus.isEmpty());
        assertThat(a.snapshotStatus).containsExactly(Map.entry(2L, false));
        assertThat(a.unreachable).contains(2L);
    }

    @Test
    void aSnapshotOverTheSendersLimitIsNotSent() {
        TestNode a = node(1, SMALL_FRAMES.withSnapshotLimits(MIB, 2 * MIB));
        TestNode b = node(2, SMALL_FRAMES);
        a.knows(b);
        a.send(snap(1, 2, 5 * MIB));
        assertThat(a.snapshotStatus).containsExactly(Map.entry(2L, false));
        assertThat(a.unreachable).containsExactly(2L);
        assertThat(a.stats().messagesDropped()).isEqualTo(1);
    }

    @Test
    void aReceiverRefusesASnapshotOverItsLimitAndHearsTheSenderAgain() {
        TestNode a = node(1, SMALL_FRAMES);
        TestNode b = node(2, SMALL_FRAMES.withSnapshotLimits(MIB, 2 * MIB));
        a.knows(b);
        a.send(snap(1, 2, 5 * MIB));
        await().until(() -> b.stats().connectionsRejected() == 1);
        AtomicLong commit = new AtomicLong();
        await().untilAsserted(() -> {
            a.send(heartbeat(1, 2, commit.incrementAndGet()));
            assertThat(b.receivedCount()).isPositive();
        });
        assertThat(b.received()).extracting(Message::type).containsOnly(MessageType.HEARTBEAT);
        assertThat(b.stats().snapshotsReceived()).isZero();
    }
}
