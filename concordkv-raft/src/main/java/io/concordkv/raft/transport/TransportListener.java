package io.concordkv.raft.transport;

/**
 * What a {@link PeerTransport} reports back to the Raft runtime, which turns the reports into the
 * core's local {@code UNREACHABLE} and {@code SNAP_STATUS} messages.
 *
 * <p>Threads: called on the thread that called {@link PeerTransport#send} (a message dropped at
 * once) or on a Netty I/O thread (a failed connection, a written snapshot). Implementations must be
 * thread-safe and must not block: hand the report to the runtime's own thread and return. An
 * exception thrown here is logged and otherwise ignored.
 */
public interface TransportListener {
    /**
     * A message to {@code peerId} could not be sent (dropped: queue full, unknown peer, too large)
     * or the connection to it failed or was lost. Reported once per failed connection attempt or
     * lost connection, and once per run of messages dropped because the peer's queue is full.
     */
    void unreachable(long peerId);

    /**
     * A {@code SNAP} message to {@code peerId} was written to the connection in full, its last
     * chunk included ({@code ok}), or could not be ({@code !ok}: dropped, too large, connection lost).
     * "Written" means handed to the operating system, not installed by the peer: the core learns
     * that from the peer's reply.
     */
    void snapshotStatus(long peerId, boolean ok);
}
