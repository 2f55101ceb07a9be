package io.concordkv.client.internal;

import io.concordkv.client.WatchClient;
import io.concordkv.client.WatchListener;
import io.concordkv.client.WatchOptions;
import io.concordkv.client.Watcher;
import java.util.Objects;

/** {@link WatchClient} over etcd's Watch service: one stream per watch. Thread-safe. */
public final class GrpcWatchClient implements WatchClient {
    private final StreamSupport support;

    GrpcWatchClient(StreamSupport support) {
        this.support = support;
    }

    @Override
    public Watcher watch(WatchOptions options, WatchListener listener) {
        WatchStream stream = new WatchStream(Objects.requireNonNull(options, "options"),
            Objects.requireNonNull(listener, "listener"), support);
        stream.open();
        return stream;
    }
}
