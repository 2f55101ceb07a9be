package io.concordkv.txn.lock;

/**
 * The two modes of a lock in the {@link StripedLockTable}.
 *
 * <p>Compatibility between two different owners:
 * <pre>
 *              SHARED   EXCLUSIVE
 *   SHARED       yes       no
 *   EXCLUSIVE    no        no
 * </pre>
 * One owner's own locks never conflict with each other: holding {@link #EXCLUSIVE} satisfies a
 * request for {@link #SHARED}, and a {@link #SHARED} holder asking for {@link #EXCLUSIVE} is an
 * upgrade. An immutable enum: any thread may use it.
 */
public enum LockMode {
    /** A read lock: any number of owners may hold it on a key at once. */
    SHARED,
    /** A write lock: held by one owner, and no other owner holds any lock on the key meanwhile. */
    EXCLUSIVE;

    /** Whether one owner may hold this mode while a different owner holds {@code other}. */
    boolean compatibleWith(LockMode other) {
        return this == SHARED && other == SHARED;
    }

    /** Whether an owner holding this mode already has what a request for {@code requested} asks. */
    boolean covers(LockMode requested) {
        return this == EXCLUSIVE || requested == SHARED;
    }
}
