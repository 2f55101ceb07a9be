package io.concordkv.raft.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a peer transport. Every member of a cluster should use the same frame and snapshot
 * limits: a receiver enforces its own and closes a connection that breaks them.
 *
 * @param maxFrameBytes the largest frame, its 4-byte length prefix included (default 16 MiB); a
 *     message that does not fit is dropped by the sender, a longer frame closes the receiving
 *     connection
 * @param maxQueuedMessages messages that may wait for one peer (default 4096); more are dropped
 * @param maxQueuedBytes encoded bytes that may wait for one peer (default 64 MiB); more are
 *     dropped. Images of snapshots sent in chunks are not counted: they are the caller's arrays,
 *     shared and never copied, and Raft sends a peer one snapshot at a time
 * @param reconnectBackoffMin the delay before the first reconnection (default 50 ms)
 * @param reconnectBackoffMax the longest delay between attempts (default 2 s); the delay doubles
 *     from the minimum up to this, with jitter, and starts again from the minimum once a
 *     connection has stayed up this long
 * @param snapshotChunkBytes the largest slice of a snapshot image in one frame (default 1 MiB);
 *     a {@code SNAP} message with a larger image is sent in chunks
 * @param maxSnapshotBytes the largest snapshot image sent or reassembled (default 1 GiB)
 * @param connectTimeout how long a connection attempt may take, and how long an inbound
 *     connection may stay open without a handshake (default 3 s)
 * @param ioThreads Netty I/O threads, shared by every connection of the transport (default 2)
 */
public record TransportConfig(int maxFrameBytes, int maxQueuedMessages, long maxQueuedBytes,
                              Duration reconnectBackoffMin, Duration reconnectBackoffMax,
                              int snapshotChunkBytes, long maxSnapshotBytes, Duration connectTimeout,
                              int ioThreads) {
    private static final int MIB = 1 << 20;
    /** Bytes of a frame that are not snapshot image in a chunk frame: length, kind, stream, sequence. */
    static final int CHUNK_OVERHEAD = 4 + 1 + 8 + 4;
    /** The largest Java array we try to build for a snapshot image. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    public TransportConfig {
        Objects.requireNonNull(reconnectBackoffMin, "reconnectBackoffMin");
        Objects.requireNonNull(reconnectBackoffMax, "reconnectBackoffMax");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        require(maxFrameBytes >= 1024, "maxFrameBytes must be at least 1024: " + maxFrameBytes);
        require(maxQueuedMessages >= 1, "maxQueuedMessages must be positive: " + maxQueuedMessages);
        require(maxQueuedBytes >= 1, "maxQueuedBytes must be positive: " + maxQueuedBytes);
        require(!reconnectBackoffMin.isNegative() && !reconnectBackoffMin.isZero(),
            "reconnectBackoffMin must be positive: " + reconnectBackoffMin);
        require(reconnectBackoffMax.compareTo(reconnectBackoffMin) >= 0,
            "reconnectBackoffMax " + reconnectBackoffMax + " is below reconnectBackoffMin " + reconnectBackoffMin);
        require(reconnectBackoffMax.toMillis() <= Duration.ofHours(1).toMillis(),
            "reconnectBackoffMax must be at most an hour: " + reconnectBackoffMax);
        require(snapshotChunkBytes >= 1 && snapshotChunkBytes <= maxFrameBytes - CHUNK_OVERHEAD,
            "snapshotChunkBytes must be between 1 and maxFrameBytes - " + CHUNK_OVERHEAD + ": " + snapshotChunkBytes);
        require(maxSnapshotBytes >= 1 && maxSnapshotBytes <= MAX_ARRAY,
            "maxSnapshotBytes must be between 1 and " + MAX_ARRAY + ": " + maxSnapshotBytes);
        require(connectTimeout.toMillis() >= 1 && connectTimeout.toMillis() <= Integer.MAX_VALUE,
            "connectTimeout must be between 1 ms and 24 days: " + connectTimeout);
        require(ioThreads >= 1, "ioThreads must be positive: " + ioThreads);
    }

    /** The defaults documented on each component. */
    public static TransportConfig defaults() {
        return new TransportConfig(16 * MIB, 4096, 64L * MIB, Duration.ofMillis(50), Duration.ofSeconds(2),
            MIB, 1024L * MIB, Duration.ofSeconds(3), 2);
    }

    public TransportConfig withMaxFrameBytes(int bytes) {
        return new TransportConfig(bytes, maxQueuedMessages, maxQueuedBytes, reconnectBackoffMin,
            reconnectBackoffMax, snapshotChunkBytes, maxSnapshotBytes, connectTimeout, ioThreads);
    }

    public TransportConfig withQueueLimits(int messages, long bytes) {
        return new TransportConfig(maxFrameBytes, messages, bytes, reconnectBackoffMin,
            reconnectBackoffMax, snapshotChunkBytes, maxSnapshotBytes, connectTimeout, ioThreads);
    }

    public TransportConfig withReconnectBackoff(Duration min, Duration max) {
        return new TransportConfig(maxFrameBytes, maxQueuedMessages, maxQueuedBytes, min, max,
            snapshotChunkBytes, maxSnapshotBytes, connectTimeout, ioThreads);
    }

    public TransportConfig withSnapshotLimits(int chunkBytes, long maxBytes) {
        return new TransportConfig(maxFrameBytes, maxQueuedMessages, maxQueuedBytes, reconnectBackoffMin,
            reconnectBackoffMax, chunkBytes, maxBytes, connectTimeout, ioThreads);
    }

    public TransportConfig withConnectTimeout(Duration timeout) {
        return new TransportConfig(maxFrameBytes, maxQueuedMessages, maxQueuedBytes, reconnectBackoffMin,
            reconnectBackoffMax, snapshotChunkBytes, maxSnapshotBytes, timeout, ioThreads);
    }

    public TransportConfig withIoThreads(int threads) {
        return new TransportConfig(maxFrameBytes, maxQueuedMessages, maxQueuedBytes, reconnectBackoffMin,
            reconnectBackoffMax, snapshotChunkBytes, maxSnapshotBytes, connectTimeout, threads);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
