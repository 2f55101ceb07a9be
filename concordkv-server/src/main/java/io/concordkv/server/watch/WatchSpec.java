package io.concordkv.server.watch;

import io.concordkv.storage.ScanRange;

/**
 * What a watcher watches.
 *
 * @param keys the keys (limit and direction ignored)
 * @param startRevision the first revision to report; 0 for "from the next commit"
 * @param prevKv whether events carry the version they replaced
 * @param noPut drop put events
 * @param noDelete drop delete events
 * @param progressNotify send periodic progress notifications while idle
 */
public record WatchSpec(ScanRange keys, long startRevision, boolean prevKv, boolean noPut, boolean noDelete,
                        boolean progressNotify) {
    public static WatchSpec of(ScanRange keys) {
        return new WatchSpec(keys, 0, false, false, false, false);
    }
}
