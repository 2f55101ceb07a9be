package io.concordkv.client;

import java.util.function.Consumer;

/** Opens watches. Thread-safe. */
public interface WatchClient {
    /** Starts a watch that reports to {@code listener}; the watch runs until cancelled. */
    Watcher watch(WatchOptions options, WatchListener listener);

    /**
     * Starts a watch that passes each event to the callback {@code onEvent}; errors end the watch
     * silently (use {@link #watch(WatchOptions, WatchListener)} to hear of them).
     */
    default Watcher watchEach(WatchOptions options, Consumer<WatchEvent> onEvent) {
        return watch(options, (WatchListener) onEvent::accept);
    }
}
