package io.concordkv.client;

import io.concordkv.api.KvException;

/**
 * Receives a watch's events. Calls for one watch come from one thread at a time, events in
 * revision order; a listener must not block for long (it holds up that watch's stream).
 */
public interface WatchListener {
    /** One change, in revision order. */
    void onEvent(WatchEvent event);

    /**
     * The watch ended because of an error (for example {@link io.concordkv.api.ErrorCode#COMPACTED}
     * when its start revision was compacted away, or the servers being unreachable). No event
     * follows. Not called after {@link Watcher#cancel()}.
     */
    default void onError(KvException error) {
    }
}
