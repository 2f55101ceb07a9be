package io.concordkv.raft.node;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of a member's runtime.
 *
 * @param dir the member's Raft directory (write-ahead log and snapshots)
 * @param tick how often the core is ticked (10 ms: 150–300 ms elections with 15 election ticks)
 * @param electionTicks base election timeout in ticks
 * @param heartbeatTicks heartbeat interval in ticks
 * @param leaseReads linearizable reads from the leader's lease instead of a heartbeat round
 * @param snapshotEntries take a snapshot (and purge the log behind it) after this many applied
 *     entries; 0 never
 * @param requestTimeout how long a proposal or read waits before failing
 * @param maxBatch proposals put into one batch at most
 * @param leaderWait how long a member without a leader holds proposals and linearizable reads for
 *     one (an election under way) before it refuses them, and refuses new ones at once until a
 *     leader is known (default 600 ms: four base election timeouts)
 * @param listen where to listen for peers, when not at the member's advertised peer address
 *     (behind a proxy or NAT)
 */
public record RaftNodeOptions(Path dir, Duration tick, int electionTicks, int heartbeatTicks, boolean leaseReads,
                              long snapshotEntries, Duration requestTimeout, int maxBatch, Duration leaderWait,
                              Optional<InetSocketAddress> listen) {
    public static RaftNodeOptions defaults(Path dir) {
        return new RaftNodeOptions(dir, Duration.ofMillis(10), 15, 5, false, 10_000, Duration.ofSeconds(7), 4096,
            Duration.ofMillis(600), Optional.empty());
    }

    public RaftNodeOptions withSnapshotEntries(long entries) {
        return new RaftNodeOptions(dir, tick, electionTicks, heartbeatTicks, leaseReads, entries, requestTimeout,
            maxBatch, leaderWait, listen);
    }

    public RaftNodeOptions withLeaseReads(boolean on) {
        return new RaftNodeOptions(dir, tick, electionTicks, heartbeatTicks, on, snapshotEntries, requestTimeout,
            maxBatch, leaderWait, listen);
    }

    public RaftNodeOptions withListen(InetSocketAddress address) {
        return new RaftNodeOptions(dir, tick, electionTicks, heartbeatTicks, leaseReads, snapshotEntries,
            requestTimeout, maxBatch, leaderWait, Optional.of(address));
    }

    public RaftNodeOptions withRequestTimeout(Duration timeout) {
        return new RaftNodeOptions(dir, tick, electionTicks, heartbeatTicks, leaseReads, snapshotEntries,
            timeout, maxBatch, leaderWait, listen);
    }

    public RaftNodeOptions withLeaderWait(Duration wait) {
        return new RaftNodeOptions(dir, tick, electionTicks, heartbeatTicks, leaseReads, snapshotEntries,
            requestTimeout, maxBatch, wait, listen);
    }
}
