package io.concordkv.raft.transport;

import io.concordkv.raft.core.Message;
import java.net.InetSocketAddress;

/**
 * Carries Raft messages between the members of one cluster. Sending never blocks and never fails
 * loudly: Raft tolerates lost messages, so a message that cannot be sent is dropped, counted and
 * reported to the {@link TransportListener} as an unreachable peer. Messages to one peer are
 * delivered in the order they were sent, or not at all.
 *
 * <p>Received messages go to the inbound handler given at construction, on an I/O thread.
 *
 * <p>Threads: every method may be called from any thread.
 */
public interface PeerTransport extends AutoCloseable {
    /**
     * Binds the listen address and starts accepting peers' connections.
     *
     * @throws io.concordkv.api.KvException with code {@code UNAVAILABLE} when the address cannot
     *     be bound (the message says "address in use" when it is taken)
     * @throws IllegalStateException when already started or closed
     */
    void start();

    /**
     * The address actually bound (with the real port when port 0 was asked for).
     *
     * @throws IllegalStateException before {@link #start()}
     */
    InetSocketAddress localAddress();

    /**
     * Queues {@code m} for peer {@code m.to()} and returns at once. Dropped (and reported unreachable)
     * when the peer is unknown, its queue is full, or the message is larger than a frame allows;
     * dropped silently after {@link #close()}.
     *
     * @throws IllegalArgumentException when {@code m} is a local message type or addressed to this node
     */
    void send(Message m);

    /**
     * Adds a peer, or changes its address (the old connection is closed and its queued messages
     * dropped). The first message to the peer opens a connection to it. Adding a peer again at the
     * same address changes nothing.
     *
     * @throws IllegalArgumentException when {@code id} is not positive or is this node's own id
     */
    void addPeer(long id, InetSocketAddress address);

    /** Removes a peer: its connection is closed and messages queued for it are dropped. */
    void removePeer(long id);

    /** The counters as of now. */
    TransportStats stats();

    /** Closes every connection and stops the I/O threads; waits for them to stop. Idempotent. */
    @Override
    void close();
}
