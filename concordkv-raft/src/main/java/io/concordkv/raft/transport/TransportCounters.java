package io.concordkv.raft.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The running counters of one transport. Thread-safe: plain atomic adds from any thread; a
 * {@link #snapshot} reads each counter once, so its figures are each exact but not taken at one
 * instant.
 */
final class TransportCounters {
    final AtomicLong messagesSent = new AtomicLong();
    final AtomicLong messagesReceived = new AtomicLong();
    final AtomicLong messagesDropped = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong connectionsRejected = new AtomicLong();
    final AtomicLong snapshotsSent = new AtomicLong();
    final AtomicLong snapshotsReceived = new AtomicLong();

    TransportStats snapshot(long queuedMessages, long queuedBytes) {
        return new TransportStats(messagesSent.get(), messagesReceived.get(), messagesDropped.get(),
            bytesSent.get(), bytesReceived.get(), connects.get(), reconnects.get(), connectionsRejected.get(),
            snapshotsSent.get(), snapshotsReceived.get(), queuedMessages, queuedBytes);
    }
}
