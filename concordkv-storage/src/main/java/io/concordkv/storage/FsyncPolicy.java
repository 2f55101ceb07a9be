package io.concordkv.storage;

/**
 * When the embedded store writes and forces its write-ahead log to disk, and so what a crash can
 * lose. Recovery always yields a consistent prefix of the writes, each batch all or nothing.
 */
public enum FsyncPolicy {
    /** Every write is written and synced before it returns (concurrent writers share one fsync). Loses nothing acknowledged. */
    ALWAYS,
    /**
     * Writes are buffered; after every 100 operations the buffer goes to the OS and is fsynced in
     * the background (at most two such fsyncs pending), and a timer syncs once the oldest unsynced
     * operation is 5 seconds old (both figures configurable). A process crash loses at most the
     * buffered operations (under 100); a machine crash also the windows whose fsync was pending
     * (under 300 operations in all).
     */
    BATCH,
    /**
     * Never synced by ConcordKV: buffered writes go to the OS once 64 KiB or 100 records
     * accumulate or half a second passes. A process crash loses at most that buffer; a machine
     * crash can lose whatever the OS had not written back.
     */
    NEVER,
    /**
     * No write-ahead log at all: writes go to the engine only, and an in-memory engine's data is
     * gone when the process ends. For a store whose durability is someone else's (a Raft member's
     * store is rebuilt from the Raft log at every start); the lsm engine keeps its own log, unsynced.
     */
    OFF
}
