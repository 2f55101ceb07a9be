package io.concordkv.raft.sim;

/**
 * Knobs of one simulation run. Times are simulated milliseconds.
 *
 * @param snapshotEvery a member snapshots its state machine after this many applied entries (0: never)
 * @param crashBeforePersistRate chance that a leader crashes after sending a Ready's messages but
 *     before persisting it (losing every unsynced write)
 */
record SimOptions(long seed, int nodes, int clients, int keys, double dropRate, double duplicateRate,
                  int minDelayMs, int maxDelayMs, int snapshotEvery, double crashBeforePersistRate,
                  long restartDelayMs, long clientTimeoutMs) {
    static SimOptions defaults(long seed) {
        return new SimOptions(seed, 5, 6, 4, 0.02, 0.02, 1, 8, 40, 0.002, 300, 1000);
    }
}
