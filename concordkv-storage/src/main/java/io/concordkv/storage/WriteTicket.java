package io.concordkv.storage;

/**
 * A write that has taken its place in the store's log order (see {@link KvStore#submit}).
 * {@link #await} may be called once, by the thread that submitted the write, and must be called:
 * under the {@code always} fsync policy a queued write can lead the group commit of the writes
 * behind it.
 */
@FunctionalInterface
public interface WriteTicket {
    /** A write that was already visible and durable (per policy) when submitted. */
    WriteTicket DONE = () -> { };

    /**
     * Returns once the write is visible and as durable as its fsync policy promises.
     *
     * @throws io.concordkv.api.KvException {@code IO_ERROR} when the log failed (the store is then
     *     read-only), {@code CLOSED} when the store closed first
     */
    void await();

    /**
     * Whether the write is already applied (visible to readers) though {@link #await} may still
     * wait, for its durability: true of {@link #DONE} and of a {@code batch} write waiting for the
     * background fsync; false of a group commit's write, applied only once its group is synced.
     */
    default boolean applied() {
        return this == DONE;
    }

    /**
     * Instead of {@link #await}: calls {@code callback} with null once the write is visible and as
     * durable as promised, or with the failure, on whichever thread completes it (possibly this one,
     * before returning). The calling thread may lead a group commit meanwhile, so call it outside
     * any lock of your own. Either this or {@link #await} is called once.
     */
    default void whenDone(java.util.function.Consumer<io.concordkv.api.KvException> callback) {
        io.concordkv.api.KvException failure = null;
        try {
            await();
        } catch (io.concordkv.api.KvException e) {
            failure = e;
        }
        callback.accept(failure);
    }
}
