package io.concordkv.txn;

import static io.concordkv.txn.ImageFixture.b;
import static io.concordkv.txn.ImageFixture.image;
import static io.concordkv.txn.ImageFixture.observe;
import static io.concordkv.txn.ImageFixture.options;
import static io.concordkv.txn.ImageFixture.populate;
import static io.concordkv.txn.ImageFixture.restore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.WriteBatch;
import io.concordkv.txn.internal.MvccKeys;
import io.concordkv.txn.internal.VersionRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stores and images of layout 1 (an old version filed under its own mod revision) open and
 * restore as layout 2 (filed under the revision that replaced it), with nothing observable changed.
 */
class HistoryLayoutTest {
    private static final int LAYOUT_1 = 1;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"rbtree", "hash", "array", "lsm"})
    void aLayout1StoreOpensWithItsWholeHistory(String engine) {
        ImageFixture.Observed before = populated(engine);
        int moved = toLayout1(dir, engine, mod -> true);
        assertThat(moved).as("old versions filed the layout-1 way").isGreaterThanOrEqualTo(5);

        try (MvccStore s = MvccStore.open(dir, options(engine))) {
            assertThat(observe(s)).isEqualTo(before);
            assertThat(s.put(b("a"), b("a4")).revision()).isEqualTo(14);
            assertThat(s.get(b("c"), 13)).contains(new KeyVersion(b("c"), b("c2"), 6, 13, 2, 7));
        }
        assertThat(layout1Keys(dir, engine)).as("every old version refiled").isZero();
        try (MvccStore s = MvccStore.open(dir, options(engine))) {
            assertThat(s.get(b("a"), 13)).isEmpty();
            assertThat(s.get(b("a"), 14)).contains(new KeyVersion(b("a"), b("a4"), 14, 14, 1, 0));
            assertThat(s.get(b("c"), 7)).contains(new KeyVersion(b("c"), b("c1"), 6, 6, 1, 7));

            s.compact(13);
            assertThat(s.get(b("c"), 13)).contains(new KeyVersion(b("c"), b("c2"), 6, 13, 2, 7));
        }
        assertThat(historyKeys(engine)).as("compaction found the refiled versions: only the delete of a at 12, replaced at 14, is left")
            .containsExactly(14L);
    }

    /** The revisions the store's history keys are filed under. */
    private List<Long> historyKeys(String engine) {
        try (KvStore store = raw(dir, engine)) {
            List<Long> out = new ArrayList<>();
            for (KeyValue kv : store.scan(MvccKeys.historyRange(0, Long.MAX_VALUE))) {
                out.add(filedUnder(kv.key()));
            }
            return out;
        }
    }

    /** The refiling goes from the newest history key down: a crash leaves the newest ones moved. */
    @Test
    void aRefilingThatACrashInterruptedIsFinished() {
        ImageFixture.Observed before = populated("rbtree");
        int moved = toLayout1(dir, "rbtree", mod -> mod <= 6);
        assertThat(moved).as("some old versions still filed the layout-1 way").isBetween(1, 5);

        try (MvccStore s = MvccStore.open(dir, options("rbtree"))) {
            assertThat(observe(s)).isEqualTo(before);
        }
        assertThat(layout1Keys(dir, "rbtree")).isZero();
    }

    @Test
    void aStoreOfAnUnknownLayoutIsRefused() {
        populated("rbtree");
        try (KvStore store = raw(dir, "rbtree")) {
            store.write(WriteBatch.builder().put(MvccKeys.META_FORMAT, Bytes.wrap(new byte[] {9})).build());
        }
        assertThatThrownBy(() -> MvccStore.open(dir, options("rbtree"))).isInstanceOf(KvException.class)
            .hasMessageContaining("layout version 9")
            .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED);
    }

    @Test
    void aLayout1ImageRestoresWithItsWholeHistory() throws IOException {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore target = MvccStore.open(dir.resolve("target"), options("hash"))) {
            populate(source);
            byte[] image = image(source);
            restore(target, asLayout1(image));

            assertThat(observe(target)).isEqualTo(observe(source));
            assertThat(image(target)).as("written again in layout 2").isEqualTo(image);
        }
    }

    /** A layout-1 store that a crash left in the middle of restoring a layout-1 image. */
    @Test
    void aRestoreOfALayout1ImageThatACrashInterruptedIsFinishedInLayout2() throws IOException {
        Path target = dir.resolve("target");
        byte[] image;
        ImageFixture.Observed expected;
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore old = MvccStore.open(target, options("rbtree"))) {
            populate(source);
            image = asLayout1(image(source));
            expected = observe(source);
            for (int i = 0; i < 20; i++) {
                old.put(b("old" + i % 5), b("v" + i));
            }
        }
        assertThat(toLayout1(target, "rbtree", mod -> true)).isPositive();
        Files.write(target.resolve("restore-image"), image);

        try (MvccStore reopened = MvccStore.open(target, options("rbtree"))) {
            assertThat(observe(reopened)).isEqualTo(expected);
        }
        assertThat(target.resolve("restore-image")).doesNotExist();
        assertThat(layout1Keys(target, "rbtree")).isZero();
    }

    private ImageFixture.Observed populated(String engine) {
        try (MvccStore s = MvccStore.open(dir, options(engine))) {
            populate(s);
            return observe(s);
        }
    }

    /**
     * Files the old versions of the store at {@code at} whose mod revision passes {@code which}
     * under that revision, as layout 1 did, and marks the store layout 1. Returns how many it refiled.
     */
    private static int toLayout1(Path at, String engine, LongPredicate which) {
        try (KvStore store = raw(at, engine)) {
            WriteBatch.Builder batch = WriteBatch.builder();
            int n = 0;
            for (KeyValue kv : store.scan(MvccKeys.historyRange(0, Long.MAX_VALUE))) {
                VersionRecord v = VersionRecord.decode(kv.value());
                assertThat(filedUnder(kv.key())).isEqualTo(v.supersededAt());
                if (which.test(v.modRevision())) {
                    batch.delete(kv.key());
                    batch.put(MvccKeys.history(v.modRevision(), MvccKeys.userKeyOfHistory(kv.key())), kv.value());
                    n++;
                }
            }
            batch.put(MvccKeys.META_FORMAT, Bytes.wrap(new byte[] {LAYOUT_1}));
            store.write(batch.build());
            return n;
        }
    }

    private static int layout1Keys(Path at, String engine) {
        try (KvStore store = raw(at, engine)) {
            assertThat(store.get(MvccKeys.META_FORMAT)).contains(Bytes.wrap(new byte[] {2}));
            int n = 0;
            for (KeyValue kv : store.scan(MvccKeys.historyRange(0, Long.MAX_VALUE))) {
                if (filedUnder(kv.key()) != VersionRecord.decode(kv.value()).supersededAt()) {
                    n++;
                }
            }
            return n;
        }
    }

    private static long filedUnder(Bytes historyKey) {
        return MvccKeys.decodeLong(Bytes.copyOf(historyKey.unsafeArray(), 1, 8));
    }

    /** The same image with layout 1 in its header and its history keys filed the layout-1 way, in key order. */
    private static byte[] asLayout1(byte[] image) throws IOException {
        int headerBytes = 8 + 2 + 2 + 8 + 8 + 4;
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(image, headerBytes, image.length - headerBytes));
        List<KeyValue> records = new ArrayList<>();
        while (in.readUnsignedByte() == 1) {
            byte[] key = new byte[in.readInt()];
            in.readFully(key);
            byte[] value = new byte[in.readInt()];
            in.readFully(value);
            Bytes k = Bytes.wrap(key);
            Bytes v = Bytes.wrap(value);
            if (key[0] == 'h') {
                k = MvccKeys.history(VersionRecord.decode(v).modRevision(), MvccKeys.userKeyOfHistory(k));
            }
            records.add(new KeyValue(k, v));
        }
        records.sort((x, y) -> x.key().compareTo(y.key()));

        byte[] head = Arrays.copyOf(image, headerBytes);
        ByteBuffer.wrap(head).putShort(10, (short) LAYOUT_1);
        ByteBuffer.wrap(head).putInt(headerBytes - 4, crc(head, 0, headerBytes - 4));

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        for (KeyValue kv : records) {
            out.writeByte(1);
            out.writeInt(kv.key().length());
            out.write(kv.key().unsafeArray());
            out.writeInt(kv.value().length());
            out.write(kv.value().unsafeArray());
        }
        out.writeByte(0);
        out.writeLong(records.size());
        byte[] bodyBytes = body.toByteArray();

        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        DataOutputStream w = new DataOutputStream(whole);
        w.write(head);
        w.write(bodyBytes);
        w.writeInt(crc(bodyBytes, 0, bodyBytes.length));
        return whole.toByteArray();
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /**
     * The MVCC store's directory opened as a store of records, through the engine that reads the
     * references its log holds (and knows them when compacting it).
     */
    private static KvStore raw(Path at, String engine) {
        return KvStore.open(at, options(engine).store(), engine.equals("lsm")
            ? java.util.function.UnaryOperator.identity() : io.concordkv.txn.internal.VersionedEngine::new);
    }
}
