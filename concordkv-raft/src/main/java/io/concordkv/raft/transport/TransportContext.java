package io.concordkv.raft.transport;

import io.netty.buffer.ByteBufAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection of one transport shares: this node's identity, the settings, the counters,
 * the buffer allocator and the listener (called through {@link #unreachable} and
 * {@link #snapshotStatus}, which keep a throwing listener from breaking an I/O thread). Immutable;
 * thread-safe as its parts are.
 */
record TransportContext(long nodeId, long clusterId, TransportConfig config, TransportCounters counters,
                        TransportListener listener, ByteBufAllocator alloc) {
    private static final Logger LOG = LoggerFactory.getLogger(TransportContext.class);

    void unreachable(long peerId) {
        try {
            listener.unreachable(peerId);
        } catch (RuntimeException e) {
            LOG.error("raft transport {}: listener failed on unreachable({})", nodeId, peerId, e);
        }
    }

    void snapshotStatus(long peerId, boolean ok) {
        try {
            listener.snapshotStatus(peerId, ok);
        } catch (RuntimeException e) {
            LOG.error("raft transport {}: listener failed on snapshotStatus({}, {})", nodeId, peerId, ok, e);
        }
    }
}
