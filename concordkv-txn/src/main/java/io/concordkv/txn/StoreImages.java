package io.concordkv.txn;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.KvStore;
import io.concordkv.txn.internal.CommitSequencer;
import io.concordkv.txn.internal.ImageRestore;
import io.concordkv.txn.internal.ImageWriter;
import io.concordkv.txn.internal.ReadGate;
import io.concordkv.txn.internal.TxnRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

/**
 * Images of an {@link MvccStore}'s whole state: written while commits go on, restored with
 * everything else held off (the image received and checked first, with nothing held off but
 * other restores). Locks, in the order compaction takes them too: the compaction lock
 * (an image being written needs the history of its revision; a restore replaces it), the pin lock
 * (no transaction begins during a restore), the commit lock (no commit during a restore), the
 * read gate (no read while the data is replaced). Owned by its store. Thread-safe.
 */
final class StoreImages {
    private final KvStore store;
    private final CommitSequencer sequencer;
    private final ReadGate gate;
    private final TxnRegistry registry;
    private final MvccMaintenance maintenance;
    private final Object compactionLock;
    private final StampedLock pins;
    private final AtomicLong restores = new AtomicLong();
    /** One restore at a time: they share the copy's file name. Taken before every other lock. */
    private final Object restoring = new Object();

    StoreImages(KvStore store, CommitSequencer sequencer, ReadGate gate, TxnRegistry registry,
                MvccMaintenance maintenance, Object compactionLock, StampedLock pins) {
        this.store = store;
        this.sequencer = sequencer;
        this.gate = gate;
        this.registry = registry;
        this.maintenance = maintenance;
        this.compactionLock = compactionLock;
        this.pins = pins;
    }

    /** See {@link MvccStore#writeImage}: an image captured and written at once. */
    void write(OutputStream out) {
        write(capture(), out);
    }

    /** See {@link MvccStore#captureImage}. */
    ImageCapture capture() {
        // under the pin lock, as a transaction begins: a compaction sees the pin or chose its point before
        long stamp = pins.readLock();
        try {
            long revision = sequencer.awaitNumbered();
            long token = registry.pin(revision);
            try {
                return new ImageCapture(this, revision, ImageWriter.systemRecords(store), token);
            } catch (RuntimeException e) {
                registry.unpin(token);
                throw e;
            }
        } finally {
            pins.unlockRead(stamp);
        }
    }

    /** Writes a captured image, history compaction held off meanwhile, and releases its pin. */
    void write(ImageCapture capture, OutputStream out) {
        try {
            synchronized (compactionLock) {
                ImageWriter.write(store, capture.revision(), sequencer.compacted(), capture.system(), out);
            }
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "writing the image failed: " + e.getMessage(), e);
        } finally {
            release(capture);
        }
    }

    /** Lets history compaction go past a capture's revision again. */
    void release(ImageCapture capture) {
        registry.unpin(capture.token());
    }

    /** See {@link MvccStore#restoreImage}. */
    void restore(InputStream in) {
        synchronized (restoring) {
            ImageRestore restore = ImageRestore.receive(store, in);
            try {
                synchronized (compactionLock) {
                    long pinned = pins.writeLock();
                    try {
                        registry.abortAll(new KvException(ErrorCode.UNAVAILABLE,
                            "the store's state was replaced by a restored image; retry the transaction"));
                        sequencer.quiesced(() -> replace(restore));
                    } finally {
                        pins.unlockWrite(pinned);
                    }
                }
            } finally {
                restore.discard();
            }
        }
    }

    /** Under the commit lock with nothing in flight: the data replaced with readers held off, then the reset told. */
    private void replace(ImageRestore restore) {
        ImageRestore.Applied applied;
        long stamp = gate.close();
        try {
            applied = restore.apply();
            sequencer.resetTo(applied.revision(), applied.compacted());
            restores.incrementAndGet();
        } catch (RuntimeException e) {
            if (restore.started()) {
                gate.fail(new KvException(e instanceof KvException kv ? kv.code() : ErrorCode.INTERNAL,
                    "a restore failed half-way, the store's state is incomplete until it is opened again (which "
                        + "finishes the restore): " + e.getMessage(), e));
            }
            throw e;
        } finally {
            gate.reopen(stamp);
        }
        maintenance.reset();
        sequencer.announceReset(applied.revision());
    }

    /** See {@link MvccStore#restores}. */
    long restores() {
        return restores.get();
    }
}
