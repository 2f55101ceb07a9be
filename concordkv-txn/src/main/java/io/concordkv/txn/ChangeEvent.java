package io.concordkv.txn;

import java.util.Optional;

/**
 * One key's change at one revision, as a watcher sees it.
 *
 * @param deleted whether the key was deleted (then {@code kv} carries only the key and the
 *     revision of the delete as its mod revision, as etcd's delete events do)
 * @param kv the new version
 * @param previous the version it replaced, when that was live and is still retained
 */
public record ChangeEvent(boolean deleted, KeyVersion kv, Optional<KeyVersion> previous) {
    public long revision() {
        return kv.modRevision();
    }
}
