package io.concordkv.storage;

/**
 * When the embedded store writes and forces its write-ahead log to disk, and so what a crash can
 * lose. Recovery always yields a consistent prefix of the writes, each batch all or nothing.
 */
public enum FsyncPolicy {
    /** Every write is written and synced before it returns (concurrent writers share one fsync). Loses nothing acknowledged. */
    ALWAYS,
    /**
     * Writes are buffered, then written and synced once 100 operations have accumulated or 5
     * seconds have passed since the oldest unsynced one, whichever comes first (both
     * configurable). A crash, of the process or the machine, loses at most that window.
     */
    BATCH,
    /**
     * Never synced by ConcordKV: buffered writes go to the OS once 64 KiB or 100 records
     * accumulate or half a second passes. A process crash loses at most that buffer; a machine
     * crash can lose whatever the OS had not written back.
     */
    NEVER
}
