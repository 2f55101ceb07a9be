package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.fs.AppendFile;
import io.concordkv.storage.fs.FileIo;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces an MVCC store's records with an image's, so that a crash at any point leaves the old
 * state or the new one. The image is first copied to {@code DIR/restore-image.tmp} while it is
 * checked whole ({@link ImageReader}); a damaged image is refused there, the store untouched. The
 * checked copy is synced and renamed to {@code DIR/restore-image}: from then on the restore will
 * happen. {@link #apply} deletes every record but the layout version, writes the image's records
 * and the metadata a fresh open reads (the compacted revision; the image's revision when no
 * latest version carries it), syncs the store, and only then deletes the copy. A store opened
 * with a copy present finishes the restore first ({@link #resumeInterrupted}); a leftover
 * {@code .tmp} is deleted. The caller holds every commit and reader off during {@link #apply}.
 */
public final class ImageRestore {
    private static final Logger LOG = LoggerFactory.getLogger(ImageRestore.class);
    static final String FILE = "restore-image";
    /** Records read at a time while clearing the store. */
    private static final int PAGE = 10_000;
    /** Bytes and operations per write batch (within the store's batch limit). */
    private static final long BATCH_BYTES = 4L << 20;
    private static final int BATCH_OPS = 4_096;

    /** What a restore set: the image's current and compacted revisions. */
    public record Applied(long revision, long compacted) {
    }

    private final KvStore store;
    private final FileIo io;
    private final Path file;
    private boolean started;

    private ImageRestore(KvStore store, Path file) {
        this.store = store;
        this.io = store.options().io();
        this.file = file;
    }

    /**
     * Copies the image in {@code in} beside the store, checking it whole on the way.
     *
     * @throws KvException {@code CORRUPTION} for a damaged or truncated image, or as
     *     {@link ImageReader#next}; the store is unchanged and no copy is left
     */
    public static ImageRestore receive(KvStore store, InputStream in) {
        FileIo io = store.options().io();
        Path file = store.directory().resolve(FILE);
        Path temp = store.directory().resolve(FILE + ".tmp");
        try {
            io.delete(temp);
            try (AppendFile copy = io.openAppend(temp)) {
                ImageReader.open(new Tee(in, copy), store.options().limits()).verifyRest();
                copy.sync();
            }
            io.rename(temp, file);
            io.syncDirectory(store.directory());
            return new ImageRestore(store, file);
        } catch (IOException e) {
            deleteQuietly(io, temp);
            throw new KvException(ErrorCode.IO_ERROR, "cannot keep the image beside the store: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(io, temp);
            throw e;
        }
    }

    /** Whether {@link #apply} began: after that the copy must stay until the restore completes. */
    public boolean started() {
        return started;
    }

    /** Deletes the copy of an image that will not be applied after all. */
    public void discard() {
        if (!started) {
            deleteQuietly(io, file);
        }
    }

    /**
     * Replaces the store's records with the image's, durably, and deletes the copy; returns the
     * image's revision and compacted revision.
     *
     * @throws KvException {@code IO_ERROR} if the store or the copy fails; the copy then stays, and
     *     the next open completes the restore
     */
    public Applied apply() {
        started = true;
        try (InputStream in = io.openRead(file)) {
            ImageReader image = ImageReader.open(in, store.options().limits());
            Batches out = new Batches();
            clear(out);
            for (KeyValue kv = image.next(); kv != null; kv = image.next()) {
                out.put(kv.key(), kv.value());
            }
            if (image.compacted() > 0) {
                out.put(MvccKeys.META_COMPACTED, MvccKeys.encodeLong(image.compacted()));
            }
            if (Math.max(image.newestLatest(), image.compacted()) < image.revision()) {
                out.put(MvccKeys.META_REVISION, MvccKeys.encodeLong(image.revision()));
            }
            out.flush();
            store.sync();
            io.delete(file);
            io.syncDirectory(store.directory());
            LOG.info("store {} restored from an image at revision {} (compacted revision {})", store.directory(),
                image.revision(), image.compacted());
            return new Applied(image.revision(), image.compacted());
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "restoring the image failed: " + e.getMessage()
                + "; the store completes the restore when it is opened again", e);
        }
    }

    /** Deletes every record but the layout version, a page at a time. */
    private void clear(Batches out) {
        ScanRange page = ScanRange.all().withLimit(PAGE);
        while (true) {
            List<KeyValue> batch = store.scan(page);
            for (KeyValue kv : batch) {
                if (!kv.key().equals(MvccKeys.META_FORMAT)) {
                    out.delete(kv.key());
                }
            }
            out.flush();
            if (batch.size() < PAGE) {
                return;
            }
            Bytes last = batch.get(batch.size() - 1).key();
            page = ScanRange.from(Bytes.wrap(java.util.Arrays.copyOf(last.unsafeArray(), last.length() + 1)))
                .withLimit(PAGE);
        }
    }

    /**
     * At open, before anything reads the store: finishes a restore a crash interrupted, and deletes
     * the partial copy of an image that was still being received.
     *
     * @throws KvException {@code CORRUPTION} if the kept copy is damaged (the store's data may then
     *     be part old, part new: restore an image again into an emptied directory)
     */
    public static void resumeInterrupted(KvStore store) {
        FileIo io = store.options().io();
        Path file = store.directory().resolve(FILE);
        try {
            io.delete(store.directory().resolve(FILE + ".tmp"));
            if (!io.exists(file)) {
                return;
            }
            try (InputStream in = io.openRead(file)) {
                ImageReader.open(in, store.options().limits()).verifyRest();
            }
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (KvException e) {
            throw new KvException(ErrorCode.CORRUPTION, file + " holds the image of a restore that a crash "
                + "interrupted, and it cannot be applied (" + e.getMessage() + "); the store's data may be incomplete", e);
        }
        LOG.warn("store {}: completing the restore of an image that a crash interrupted", store.directory());
        new ImageRestore(store, file).apply();
    }

    private static void deleteQuietly(FileIo io, Path path) {
        try {
            io.delete(path);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", path, e.getMessage());
        }
    }

    /** Write batches within the store's limits. */
    private final class Batches {
        private WriteBatch.Builder batch = WriteBatch.builder();
        private long bytes;
        private int ops;

        void put(Bytes key, Bytes value) {
            add(key.length() + value.length());
            batch.put(key, value);
        }

        void delete(Bytes key) {
            add(key.length());
            batch.delete(key);
        }

        private void add(long size) {
            long budget = Math.min(BATCH_BYTES, store.options().limits().maxBatchBytes());
            if (ops > 0 && (bytes + size > budget || ops == BATCH_OPS)) {
                flush();
            }
            bytes += size;
            ops++;
        }

        void flush() {
            if (ops > 0) {
                store.write(batch.build());
                batch = WriteBatch.builder();
                bytes = 0;
                ops = 0;
            }
        }
    }

    /** Copies what is read from a stream to a file. */
    private static final class Tee extends FilterInputStream {
        private final AppendFile copy;

        Tee(InputStream in, AppendFile copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(ByteBuffer.wrap(new byte[] {(byte) b}));
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                copy.write(ByteBuffer.wrap(buffer, offset, n));
            }
            return n;
        }

        /** Skipped bytes are read, so that the copy has them too. */
        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(n, 8192)];
            return Math.max(0, read(scratch, 0, scratch.length));
        }
    }
}
