package io.concordkv.raft.transport;

/**
 * A snapshot of a transport's counters. Counts run from the transport's construction; the two
 * queue figures are the messages and bytes waiting in all peers' queues right now.
 *
 * @param messagesSent messages written to a connection (handed to the operating system, not
 *     necessarily received)
 * @param messagesReceived messages decoded and handed to the inbound handler
 * @param messagesDropped messages not sent: queue full, unknown peer, too large, connection failed
 *     or lost while they waited, peer removed, transport closed
 * @param bytesSent frame bytes written, length prefixes and handshakes included
 * @param bytesReceived frame bytes read, length prefixes and handshakes included
 * @param connects outbound connections established
 * @param reconnects outbound connection attempts that followed a failed attempt or a lost connection
 * @param connectionsRejected inbound connections closed for a protocol error (bad handshake,
 *     malformed or oversize frame, broken snapshot sequence)
 * @param snapshotsSent {@code SNAP} messages written in full
 * @param snapshotsReceived {@code SNAP} messages received in full (chunked ones reassembled)
 * @param queuedMessages messages waiting in peers' queues now
 * @param queuedBytes encoded bytes waiting in peers' queues now (images of chunked snapshots not
 *     counted)
 */
public record TransportStats(long messagesSent, long messagesReceived, long messagesDropped,
                             long bytesSent, long bytesReceived, long connects, long reconnects,
                             long connectionsRejected, long snapshotsSent, long snapshotsReceived,
                             long queuedMessages, long queuedBytes) {
}
