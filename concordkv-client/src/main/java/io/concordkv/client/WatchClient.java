package io.concordkv.client;

import java.util.function.Consumer;

/** Opens watches. Thread-safe. */
public interface WatchClient {
    /** Starts a watch that reports to {@code listener}; the watch runs until cancelled. */
    Watcher watch(WatchOptions options, WatchListener listener);

    /** Starts a watch that passes each event to {@code onEvent} and ignores errors. */
    default Watcher watch(WatchOptions options, Consumer<WatchEvent> onEvent) {
        return watch(options, (WatchListener) onEvent::accept);
    }
}
