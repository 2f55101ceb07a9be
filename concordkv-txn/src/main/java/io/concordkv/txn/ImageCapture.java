package io.concordkv.txn;

import io.concordkv.storage.KeyValue;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A store's state captured at one revision for an image written later, on any thread, while
 * commits go on ({@link MvccStore#captureImage}): the revision, the system records as they were
 * then (they keep no history), and a hold on history compaction at that revision until the image
 * is written or the capture closed. Written once. Thread-safe.
 */
public final class ImageCapture implements AutoCloseable {
    private final StoreImages images;
    private final long revision;
    private final List<KeyValue> system;
    private final long token;
    private final AtomicBoolean done = new AtomicBoolean();

    ImageCapture(StoreImages images, long revision, List<KeyValue> system, long token) {
        this.images = images;
        this.revision = revision;
        this.system = List.copyOf(system);
        this.token = token;
    }

    /** The revision the image is of. */
    public long revision() {
        return revision;
    }

    List<KeyValue> system() {
        return system;
    }

    long token() {
        return token;
    }

    /**
     * Writes the image of the store as it was at {@link #revision()} to {@code out} (flushed, not
     * closed), as {@link MvccStore#writeImage} would have then, and releases the hold.
     *
     * @throws IllegalStateException when already written or closed
     * @throws io.concordkv.api.KvException {@code IO_ERROR} when {@code out} fails
     */
    public void writeTo(OutputStream out) {
        if (!done.compareAndSet(false, true)) {
            throw new IllegalStateException("the image of revision " + revision + " was already written or dropped");
        }
        images.write(this, out);
    }

    /** Drops the capture unwritten, releasing the hold; no effect once written. Idempotent. */
    @Override
    public void close() {
        if (done.compareAndSet(false, true)) {
            images.release(this);
        }
    }
}
