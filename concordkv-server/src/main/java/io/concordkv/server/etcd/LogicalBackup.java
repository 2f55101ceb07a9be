package io.concordkv.server.etcd;

import io.concordkv.server.service.KvService;
import io.concordkv.server.service.RangeQuery;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.KeyVersion;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A consistent logical backup of the live keys at one revision, streamed in chunks. Format
 * (big-endian): magic {@code "CKVBAK01"}, i64 revision, i64 count, then per key: i32 key length,
 * key, i32 value length, value, i64 create revision, i64 mod revision, i64 version, i64 lease;
 * zero bytes up to a multiple of 512; then the SHA-256 of everything before it (32 bytes), as
 * etcd ends its snapshots (so {@code etcdctl snapshot save} accepts the stream).
 * History below the revision is not included. Stateless.
 */
final class LogicalBackup {
    static final byte[] MAGIC = "CKVBAK01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int CHUNK = 1 << 20;
    /** etcdctl finds the trailing hash only when what precedes it is a multiple of 512 bytes. */
    private static final int PAD = 512;

    /** One piece of the stream and how many bytes follow it. */
    record Chunk(byte[] bytes, long remaining) {
    }

    private LogicalBackup() {
    }

    static void write(KvService service, Consumer<Chunk> sink) {
        long revision = service.status().revision();
        List<KeyVersion> kvs = service.range(RangeQuery.of(ScanRange.all()).atRevision(revision)).kvs();
        byte[] all = encode(revision, kvs);
        for (int off = 0; off < all.length; off += CHUNK) {
            int end = Math.min(all.length, off + CHUNK);
            sink.accept(new Chunk(Arrays.copyOfRange(all, off, end), all.length - end));
        }
    }

    private static byte[] encode(long revision, List<KeyVersion> kvs) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeLong(revision);
            out.writeLong(kvs.size());
            for (KeyVersion kv : kvs) {
                out.writeInt(kv.key().length());
                out.write(kv.key().unsafeArray());
                out.writeInt(kv.value().length());
                out.write(kv.value().unsafeArray());
                out.writeLong(kv.createRevision());
                out.writeLong(kv.modRevision());
                out.writeLong(kv.version());
                out.writeLong(kv.lease());
            }
            out.flush();
            while (bytes.size() % PAD != 0) {
                out.write(0);
            }
            out.flush();
            out.write(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
