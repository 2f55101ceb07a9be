package io.concordkv.storage;

/**
 * When the embedded store forces its write-ahead log to disk, and so what a crash can lose.
 * A crash of the process alone (not the machine) loses nothing under any policy once a write has
 * returned, because the log has been handed to the operating system.
 */
public enum FsyncPolicy {
    /** Every write is synced before it returns (writers waiting together share one fsync). Loses nothing. */
    ALWAYS,
    /**
     * Synced once 100 operations have accumulated or 5 seconds have passed since the oldest
     * unsynced one, whichever comes first (both configurable). A machine crash loses at most
     * the operations of that window.
     */
    BATCH,
    /** Never synced by ConcordKV; the OS writes back when it likes. A machine crash can lose any recent write. */
    NEVER
}
