package io.concordkv.raft.transport;

import static io.concordkv.raft.transport.NettyPeerTransportTest.FAST_RETRY;
import static io.concordkv.raft.transport.NettyPeerTransportTest.heartbeat;
import static io.concordkv.raft.transport.TestMessages.assertSameMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections that break the protocol are closed one by one, and a well-behaved neighbour's
 * connection to the same node is not disturbed.
 */
class InboundProtectionTest {
    private static final long RAW = 5;

    private TestNode neighbour;
    private TestNode node;
    private long nextCommit;

    @BeforeEach
    void startNodes() {
        node = TestNode.start(2, FAST_RETRY.withConnectTimeout(Duration.ofMillis(300)));
        neighbour = TestNode.start(1, FAST_RETRY).knows(node);
        assertNeighbourHeard();
    }

    @AfterEach
    void closeNodes() {
        neighbour.close();
        node.close();
    }

    @Test
    void garbageIsClosed() {
        assertClosedAlone(raw -> raw.raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aWrongClusterIdIsClosed() {
        assertClosedAlone(raw -> raw.hello(Frames.MAGIC, Frames.PROTOCOL_VERSION, TestNode.CLUSTER + 1, RAW, 2));
    }

    @Test
    void aWrongProtocolVersionOrMagicIsClosed() {
        assertClosedAlone(raw -> raw.hello(Frames.MAGIC, 2, TestNode.CLUSTER, RAW, 2));
        assertClosedAlone(raw -> raw.hello(0x48545450, Frames.PROTOCOL_VERSION, TestNode.CLUSTER, RAW, 2));
    }

    @Test
    void aHandshakeMeantForAnotherNodeIsClosed() {
        assertClosedAlone(raw -> raw.hello(RAW, 3));
    }

    @Test
    void anOversizeLengthIsClosed() {
        assertClosedAlone(raw -> raw.hello(RAW, 2).raw(new byte[] {0x01, 0x00, 0x00, 0x01, Frames.MESSAGE}));
        assertClosedAlone(raw -> raw.raw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0}));
    }

    @Test
    void aConnectionWithoutAHandshakeIsClosed() {
        assertClosedAlone(raw -> raw.message(heartbeat(RAW, 2, 1)));
        assertClosedAlone(raw -> { });
    }

    @Test
    void aMalformedFrameOrMessageIsClosed() {
        assertClosedAlone(raw -> raw.hello(RAW, 2).frame(Frames.MESSAGE, new byte[] {1, 3, 0, 5}));
        assertClosedAlone(raw -> raw.hello(RAW, 2).frame(9, new byte[3]));
        assertClosedAlone(raw -> raw.hello(RAW, 2).raw(new byte[] {0, 0, 0, 0}));
        assertClosedAlone(raw -> raw.hello(RAW, 2).hello(RAW, 2));
    }

    @Test
    void aMessageNotFromTheHandshakesSenderOrNotForThisNodeIsClosed() {
        assertClosedAlone(raw -> raw.hello(RAW, 2).message(heartbeat(RAW + 1, 2, 1)));
        assertClosedAlone(raw -> raw.hello(RAW, 2).message(heartbeat(RAW, 3, 1)));
        assertClosedAlone(raw -> raw.hello(RAW, 2).message(Message.of(MessageType.HUP, RAW, 2, 1)));
    }

    @Test
    void aBrokenSnapshotSequenceIsClosedAndNothingDelivered() {
        Message header = Message.of(MessageType.SNAP, RAW, 2, 1);
        assertClosedAlone(raw -> raw.hello(RAW, 2).snapshotBegin(1, 10, header).snapshotChunk(1, 1, new byte[5]));
        assertClosedAlone(raw -> raw.hello(RAW, 2).snapshotBegin(1, 10, header).snapshotChunk(2, 0, new byte[5]));
        assertClosedAlone(raw -> raw.hello(RAW, 2).snapshotBegin(1, 10, header).snapshotChunk(1, 0, new byte[11]));
        assertClosedAlone(raw -> raw.hello(RAW, 2).snapshotChunk(1, 0, new byte[5]));
        assertClosedAlone(raw -> raw.hello(RAW, 2).snapshotBegin(1, 2L << 30, header));
        assertThat(node.receivedFrom(RAW)).isEmpty();
    }

    @Test
    void aWellBehavedRawPeerIsHeardAndASnapshotCutShortIsDiscarded() throws IOException {
        Message header = Message.of(MessageType.SNAP, RAW, 2, 1);
        try (RawPeer raw = new RawPeer(node.address())) {
            raw.hello(RAW, 2).snapshotBegin(1, 10, header).snapshotChunk(1, 0, new byte[5]);
        }
        Message hb = heartbeat(RAW, 2, 77).withContext(new byte[] {1, 2});
        Message snap = header.withSnapshot(TestMessages.snapshot(9, 1, 10, 3));
        try (RawPeer raw = new RawPeer(node.address())) {
            raw.hello(RAW, 2).message(hb).snapshotBegin(4, 10, header)
                .snapshotChunk(4, 0, Arrays.copyOf(snap.snapshot().data(), 6)).snapshotChunk(4, 1,
                    Arrays.copyOfRange(snap.snapshot().data(), 6, 10));
            await().until(() -> node.receivedFrom(RAW).size() == 2);
        }
        assertSameMessage(node.receivedFrom(RAW).get(0), hb);
        assertThat(node.receivedFrom(RAW).get(1).snapshot().data()).isEqualTo(snap.snapshot().data());
        assertThat(node.stats().connectionsRejected()).isZero();
    }

    /**
     * Opens a raw connection, lets it misbehave, and checks that the node closes it while the
     * neighbour's connection carries on: no reconnection, and a new message still arrives.
     */
    private void assertClosedAlone(Consumer<RawPeer> misbehave) {
        long rejectedBefore = node.stats().connectionsRejected();
        try (RawPeer raw = new RawPeer(node.address())) {
            misbehave.accept(raw);
            raw.assertClosedByTransport();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(node.stats().connectionsRejected()).isEqualTo(rejectedBefore + 1);
        assertNeighbourHeard();
        assertThat(neighbour.stats().connects()).isEqualTo(1);
        assertThat(neighbour.stats().reconnects()).isZero();
    }

    private void assertNeighbourHeard() {
        long commit = ++nextCommit;
        neighbour.send(heartbeat(1, 2, commit));
        await().until(() -> node.receivedFrom(1).stream().anyMatch(m -> m.commit() == commit));
    }
}
