package io.concordkv.raft.transport;

import io.concordkv.raft.core.Message;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One transport under test, on 127.0.0.1, recording what it receives and what it reports.
 * Close it (try-with-resources or an {@code @AfterEach}).
 */
final class TestNode implements AutoCloseable {
    static final long CLUSTER = 42;

    final long id;
    final NettyPeerTransport transport;
    private final List<Message> received = new ArrayList<>();
    final Queue<Long> unreachable = new ConcurrentLinkedQueue<>();
    final Queue<Map.Entry<Long, Boolean>> snapshotStatus = new ConcurrentLinkedQueue<>();

    private TestNode(long id, long cluster, InetSocketAddress listen, TransportConfig config) {
        this.id = id;
        TransportListener listener = new TransportListener() {
            @Override
            public void unreachable(long peerId) {
                unreachable.add(peerId);
            }

            @Override
            public void snapshotStatus(long peerId, boolean ok) {
                snapshotStatus.add(Map.entry(peerId, ok));
            }
        };
        this.transport = new NettyPeerTransport(id, cluster, listen, this::receive, listener, config, new Random(id));
    }

    /** A started node on a free loopback port. */
    static TestNode start(long id, TransportConfig config) {
        return start(id, CLUSTER, new InetSocketAddress("127.0.0.1", 0), config);
    }

    static TestNode start(long id, long cluster, InetSocketAddress listen, TransportConfig config) {
        TestNode node = new TestNode(id, cluster, listen, config);
        try {
            node.transport.start();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    InetSocketAddress address() {
        return transport.localAddress();
    }

    /** Lets this node send to {@code other}. */
    TestNode knows(TestNode other) {
        transport.addPeer(other.id, other.address());
        return this;
    }

    void send(Message m) {
        transport.send(m);
    }

    TransportStats stats() {
        return transport.stats();
    }

    private void receive(Message m) {
        synchronized (received) {
            received.add(m);
        }
    }

    /** What arrived so far, in arrival order. */
    List<Message> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** What arrived so far from {@code from}, in arrival order. */
    List<Message> receivedFrom(long from) {
        return received().stream().filter(m -> m.from() == from).toList();
    }

    int receivedCount() {
        synchronized (received) {
            return received.size();
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
