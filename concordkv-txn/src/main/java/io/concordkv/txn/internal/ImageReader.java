package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.EngineLimits;
import io.concordkv.storage.KeyValue;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * Reads an MVCC store image and checks everything about it that can be checked: the header and
 * body checksums, the record count, that the stream ends with the trailer, that keys are in
 * strictly ascending order and in the namespaces an image holds, that every version decodes and
 * agrees with its key and with the header's revision. History keys of a layout-1 image are handed
 * out refiled as layout 2 keeps them (see {@link MvccKeys}). A record that would not fit this store's
 * limits is skipped over (its bytes still checksummed) and reported once the checksum is known to
 * be good, so that a damaged length reads as {@code CORRUPTION}, not as a limit. Used by one thread.
 */
public final class ImageReader {
    private final EngineLimits limits;
    private final InputStream buffered;
    private final DataInputStream body;
    private final CRC32C crc = new CRC32C();
    private final ImageFormat.Header header;
    private Bytes previous;
    private long records;
    private long newestLatest;
    private KvException tooLarge;
    private boolean done;

    private ImageReader(InputStream raw, EngineLimits limits) throws IOException {
        this.limits = limits;
        this.buffered = new BufferedInputStream(raw, 1 << 16);
        byte[] head = new byte[ImageFormat.HEADER_BYTES];
        new DataInputStream(buffered).readFully(head);
        this.header = ImageFormat.decodeHeader(head);
        this.body = new DataInputStream(new CheckedInputStream(buffered, crc));
    }

    /**
     * Starts reading the image in {@code in}, which must hold the image and nothing after it.
     *
     * @throws KvException {@code CORRUPTION} for a bad or truncated header, {@code UNSUPPORTED}
     *     for a format this build does not read
     */
    public static ImageReader open(InputStream in, EngineLimits limits) {
        try {
            return new ImageReader(in, limits);
        } catch (EOFException e) {
            throw ImageFormat.corrupt("truncated image: the header is cut short");
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "reading the image failed: " + e.getMessage(), e);
        }
    }

    /** The image's current revision. */
    public long revision() {
        return header.revision();
    }

    /** The image's compacted revision. */
    public long compacted() {
        return header.compacted();
    }

    /** The newest mod revision among the latest versions read so far (0 for none). */
    long newestLatest() {
        return newestLatest;
    }

    /**
     * The next record, or null after the last one once the trailer checked out.
     *
     * @throws KvException {@code CORRUPTION} for anything damaged, truncated or inconsistent;
     *     {@code KEY_TOO_LARGE}, {@code VALUE_TOO_LARGE} or {@code REQUEST_TOO_LARGE} (at the end,
     *     the image being sound) for a record over this store's limits; {@code IO_ERROR} when the
     *     stream fails
     */
    public KeyValue next() {
        try {
            while (!done) {
                int tag = body.readUnsignedByte();
                if (tag == ImageFormat.END) {
                    finish();
                    return null;
                }
                if (tag != ImageFormat.RECORD) {
                    throw ImageFormat.corrupt("unknown record tag " + tag + " after record " + records);
                }
                KeyValue kv = record();
                if (kv != null) {
                    return kv;
                }
            }
            return null;
        } catch (EOFException e) {
            throw ImageFormat.corrupt("truncated image: it ends after record " + records + " without its trailer");
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "reading the image failed: " + e.getMessage(), e);
        }
    }

    /** Reads the rest of the image, checking it; returns the number of records. */
    public long verifyRest() {
        while (next() != null) {
            continue;
        }
        return records;
    }

    /** One record; null when it is over this store's limits (skipped, remembered). */
    private KeyValue record() throws IOException {
        records++;
        int keyLength = body.readInt();
        if (keyLength <= 0) {
            throw ImageFormat.corrupt("record " + records + " has a key length of " + keyLength);
        }
        Bytes key = readOrSkip(keyLength, limits.maxKeyBytes(), ErrorCode.KEY_TOO_LARGE, "key");
        int valueLength = body.readInt();
        if (valueLength < 0) {
            throw ImageFormat.corrupt("record " + records + " has a value length of " + valueLength);
        }
        Bytes value = readOrSkip(valueLength, limits.maxValueBytes(), ErrorCode.VALUE_TOO_LARGE, "value");
        if (key == null || value == null) {
            return null;
        }
        if ((long) keyLength + valueLength > limits.maxBatchBytes()) {
            tooLarge(new KvException(ErrorCode.REQUEST_TOO_LARGE, "image record " + records + " of "
                + (keyLength + valueLength) + " bytes exceeds this store's batch limit of " + limits.maxBatchBytes()));
            return null;
        }
        VersionRecord v = check(key, value);
        if (v != null && header.layout() == StoreOpening.LAYOUT_1) {
            key = MvccKeys.history(v.supersededAt(), MvccKeys.userKeyOfHistory(key));
        }
        return new KeyValue(key, value);
    }

    private Bytes readOrSkip(int length, long limit, ErrorCode code, String what) throws IOException {
        if (length <= limit) {
            byte[] bytes = new byte[length];
            body.readFully(bytes);
            return Bytes.wrap(bytes);
        }
        tooLarge(new KvException(code, "image record " + records + " has a " + what + " of " + length
            + " bytes, over this store's limit of " + limit));
        byte[] scratch = new byte[1 << 16];
        for (int left = length; left > 0; ) {
            int n = Math.min(left, scratch.length);
            body.readFully(scratch, 0, n);
            left -= n;
        }
        return null;
    }

    private void tooLarge(KvException e) {
        if (tooLarge == null) {
            tooLarge = e;
        }
    }

    /**
     * Order, namespace, and agreement of each version with its key and the image's revision.
     * Returns the version of a history record, null for any other.
     */
    private VersionRecord check(Bytes key, Bytes value) {
        if (previous != null && previous.compareTo(key) >= 0) {
            throw ImageFormat.corrupt("image record " + records + " is out of key order");
        }
        previous = key;
        byte namespace = key.unsafeArray()[0];
        if (namespace == MvccKeys.SYSTEM) {
            return null;
        }
        if (namespace != MvccKeys.LATEST && namespace != MvccKeys.HISTORY || key.length() < 2
            || namespace == MvccKeys.HISTORY && key.length() < 10) {
            throw ImageFormat.corrupt("image record " + records + " has a key outside the image's namespaces");
        }
        VersionRecord v = VersionRecord.decode(value);
        boolean consistent = namespace == MvccKeys.LATEST
            ? v.supersededAt() == 0 && v.modRevision() <= header.revision()
            : MvccKeys.revisionOfHistory(key) == (header.layout() == StoreOpening.LAYOUT_1 ? v.modRevision()
                : v.supersededAt()) && v.modRevision() < v.supersededAt() && v.supersededAt() <= header.revision();
        if (!consistent) {
            throw ImageFormat.corrupt("image record " + records + " holds a version that disagrees with its key"
                + " or with the image's revision " + header.revision());
        }
        if (namespace == MvccKeys.LATEST) {
            newestLatest = Math.max(newestLatest, v.modRevision());
            return null;
        }
        return v;
    }

    /** After the end tag: the count, the checksum, and nothing after them. */
    private void finish() throws IOException {
        long count = body.readLong();
        int expected = (int) crc.getValue();
        int stored = new DataInputStream(buffered).readInt();
        if (stored != expected) {
            throw ImageFormat.corrupt("image checksum mismatch");
        }
        if (count != records) {
            throw ImageFormat.corrupt("image trailer counts " + count + " records, the image holds " + records);
        }
        if (buffered.read() != -1) {
            throw ImageFormat.corrupt("bytes after the image's trailer");
        }
        done = true;
        if (tooLarge != null) {
            throw tooLarge;
        }
    }
}
