package io.concordkv.client.internal.balance;

/** A target whose load and latency a test sets by hand. */
final class FakeTarget implements Target {
    private final String id;
    volatile int outstanding;
    volatile long latencyNanos;

    FakeTarget(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int outstanding() {
        return outstanding;
    }

    @Override
    public long latencyNanos() {
        return latencyNanos;
    }

    @Override
    public String toString() {
        return id;
    }
}
