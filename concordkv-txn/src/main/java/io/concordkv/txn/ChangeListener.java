package io.concordkv.txn;

import java.util.List;

/**
 * Told of every commit once it is visible, in revision order, one call per revision with the
 * changes in the commit's key order. Called from committing threads, one call at a time; it must
 * return quickly (queue the work), since later commits' notifications wait for it.
 */
@FunctionalInterface
public interface ChangeListener {
    void committed(long revision, List<ChangeEvent> changes);

    /**
     * The store's whole state was replaced ({@link MvccStore#restoreImage}): every change told
     * before belongs to the old state, the current revision is now {@code revision}, and the next
     * commit told is a later one of the new state. Called once per restore, from the restoring
     * thread, after every commit of the old state was told and the new state is visible to
     * readers, before any commit of the new state is told; commits wait until it returns, so it
     * may read the store but must not write to it. Ignored by default.
     */
    default void onReset(long revision) {
    }
}
