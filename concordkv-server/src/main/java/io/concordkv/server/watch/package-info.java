/**
 * Watches: {@link io.concordkv.server.watch.WatchHub} follows the MVCC change feed and fills each
 * {@link io.concordkv.server.watch.Watcher}'s bounded queue; watchers that start in the past or
 * fall behind are caught up from the stored history on the hub's catch-up thread, and cancelled
 * with the compaction revision once what they need is compacted, and all of them likewise when the
 * store's whole state is replaced by a snapshot. Protocol-agnostic: the etcd Watch
 * service and the REST event stream both take from watchers. Thread-safe.
 */
package io.concordkv.server.watch;
