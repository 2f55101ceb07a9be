package io.concordkv.txn.internal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The constants and the header of an MVCC store image, version 1 (the format is described in
 * {@code io.concordkv.txn}'s package documentation; {@link ImageWriter} writes it,
 * {@link ImageReader} reads and checks it). Stateless.
 */
final class ImageFormat {
    static final byte[] MAGIC = "CKVIMAGE".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /**
     * The layout of the records ({@code MvccKeys}, {@code VersionRecord}) this build writes; it
     * also reads images of layout 1, whose history keys {@link ImageReader} refiles.
     */
    static final int LAYOUT = StoreOpening.LAYOUT;
    /** Magic, version, layout, revision, compacted revision, CRC32C. */
    static final int HEADER_BYTES = 8 + 2 + 2 + 8 + 8 + 4;
    static final int RECORD = 1;
    static final int END = 0;

    /**
     * What the header says.
     *
     * @param revision the store's current revision when the image was taken
     * @param compacted its compacted revision
     * @param layout the layout of its records
     */
    record Header(long revision, long compacted, int layout) {
    }

    private ImageFormat() {
    }

    static byte[] encodeHeader(Header h) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) h.layout()).putLong(h.revision()).putLong(h.compacted());
        b.putInt((int) crc(b.array(), HEADER_BYTES - 4));
        return b.array();
    }

    /** The header in {@code bytes}; {@code CORRUPTION} or {@code UNSUPPORTED} unless it is one this build reads. */
    static Header decodeHeader(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw corrupt("not an MVCC store image (bad magic)");
        }
        if ((int) crc(bytes, HEADER_BYTES - 4) != b.getInt(HEADER_BYTES - 4)) {
            throw corrupt("image header checksum mismatch");
        }
        int version = Short.toUnsignedInt(b.getShort());
        int layout = Short.toUnsignedInt(b.getShort());
        if (version != VERSION || layout != LAYOUT && layout != StoreOpening.LAYOUT_1) {
            throw new KvException(ErrorCode.UNSUPPORTED, "image format " + version + " (layout " + layout
                + ") is not supported; this build reads format " + VERSION + " (layouts " + StoreOpening.LAYOUT_1
                + " and " + LAYOUT + ")");
        }
        long revision = b.getLong();
        long compacted = b.getLong();
        if (revision < 0 || compacted < 0 || compacted > revision) {
            throw corrupt("image header names revision " + revision + " and compacted revision " + compacted);
        }
        return new Header(revision, compacted, layout);
    }

    private static long crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

    static KvException corrupt(String message) {
        return new KvException(ErrorCode.CORRUPTION, message);
    }
}
