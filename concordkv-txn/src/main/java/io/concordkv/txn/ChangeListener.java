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
}
