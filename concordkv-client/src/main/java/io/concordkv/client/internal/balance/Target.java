package io.concordkv.client.internal.balance;

/** What a strategy may know about an endpoint. Implementations are thread-safe. */
public interface Target {
    /** Stable identity ({@code host:port}); strategies key their state and the hash ring on it. */
    String id();

    /** Requests in flight to this endpoint now. */
    int outstanding();

    /** Moving average of observed latency in nanoseconds; 0 when nothing has been observed. */
    long latencyNanos();
}
