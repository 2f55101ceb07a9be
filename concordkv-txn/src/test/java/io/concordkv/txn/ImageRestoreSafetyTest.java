package io.concordkv.txn;

import static io.concordkv.txn.ImageFixture.b;
import static io.concordkv.txn.ImageFixture.image;
import static io.concordkv.txn.ImageFixture.observe;
import static io.concordkv.txn.ImageFixture.options;
import static io.concordkv.txn.ImageFixture.populate;
import static io.concordkv.txn.ImageFixture.restore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.EngineLimits;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.fs.FaultyFileIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A damaged image changes nothing; a restore survives a crash whole, and one a crash interrupted
 * is finished when the store opens again.
 */
class ImageRestoreSafetyTest {
    @TempDir
    Path dir;

    private static void assertFails(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(KvException.class)
            .extracting(e -> ((KvException) e).code()).isEqualTo(code);
    }

    @Test
    void everyDamagedTruncatedOrExtendedImageIsRefusedAsCorruptAndChangesNothing() throws IOException {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore target = MvccStore.open(dir.resolve("target"), options("rbtree"))) {
            populate(source);
            byte[] image = image(source);
            for (int i = 0; i < 30; i++) {
                target.put(b("t" + i % 7), b("v" + i), i % 3);
            }
            target.compact(20);
            target.putSystem(b("s"), b("x"));
            ImageFixture.Observed before = observe(target);
            byte[] targetImage = image(target);

            for (int i = 0; i < image.length; i++) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] damaged = image.clone();
                    damaged[i] ^= (byte) bit;
                    assertFails(ErrorCode.CORRUPTION, () -> restore(target, damaged));
                }
            }
            for (int length = 0; length < image.length; length++) {
                byte[] truncated = Arrays.copyOf(image, length);
                assertFails(ErrorCode.CORRUPTION, () -> restore(target, truncated));
            }
            assertFails(ErrorCode.CORRUPTION, () -> restore(target, Arrays.copyOf(image, image.length + 1)));

            assertThat(observe(target)).isEqualTo(before);
            assertThat(image(target)).isEqualTo(targetImage);
            assertThat(target.put(b("t0"), b("after")).revision()).isEqualTo(before.current() + 1);
            try (var files = Files.list(dir.resolve("target"))) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("restore-image"));
            }
            restore(target, image);
            assertThat(observe(target)).as("and the sound image still restores").isEqualTo(observe(source));
        }
    }

    @Test
    void aRecordOverThisStoresLimitsIsRefusedAsTooLargeNotAsCorruption() {
        MvccOptions small = options("rbtree");
        small = small.withStore(small.store().withLimits(new EngineLimits(1024, 1024, 1 << 20)));
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore target = MvccStore.open(dir.resolve("target"), small)) {
            populate(source);
            source.put(b("big"), io.concordkv.api.Bytes.wrap(new byte[2000]));
            target.put(b("mine"), b("1"));
            assertFails(ErrorCode.VALUE_TOO_LARGE, () -> restore(target, image(source)));
            assertThat(target.range(ScanRange.all()).kvs()).extracting(kv -> kv.key().toUtf8()).containsExactly("mine");
        }
    }

    @ParameterizedTest
    // OFF keeps no log: nothing survives a crash by design
    @EnumSource(value = FsyncPolicy.class, names = {"ALWAYS", "BATCH", "NEVER"})
    void aCompletedRestoreSurvivesACrashWhateverTheFsyncPolicy(FsyncPolicy policy) throws IOException {
        FaultyFileIo disk = new FaultyFileIo();
        MvccOptions crashable = options("rbtree");
        crashable = crashable.withStore(crashable.store().withFsync(policy).withIo(disk));
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("array"))) {
            populate(source);
            MvccStore target = MvccStore.open(dir.resolve("target"), crashable);
            for (int i = 0; i < 50; i++) {
                target.put(b("old" + i), b("v"));
            }
            restore(target, image(source));
            disk.crash();
            try (MvccStore reopened = MvccStore.open(dir.resolve("target"), crashable)) {
                assertThat(observe(reopened)).isEqualTo(observe(source));
            }
        }
    }

    /**
     * A crash after the image was kept beside the store but before the replacement finished (here:
     * half the old records deleted, some of the image's written) is finished by the next open.
     */
    @Test
    void aRestoreACrashInterruptedIsFinishedWhenTheStoreOpens() throws IOException {
        Path target = dir.resolve("target");
        byte[] image;
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore old = MvccStore.open(target, options("rbtree"))) {
            populate(source);
            image = image(source);
            for (int i = 0; i < 40; i++) {
                old.put(b("old" + i), b("v" + i));
            }
            ImageFixture.Observed expected = observe(source);
            old.close();
            try (KvStore raw = KvStore.open(target, options("rbtree").store())) {
                List<io.concordkv.storage.KeyValue> records = raw.scan(ScanRange.prefix(b("k")));
                for (int i = 0; i < records.size(); i += 2) {
                    raw.delete(records.get(i).key());
                }
                raw.put(b("kc"), b("not even a version"));
            }
            Files.write(target.resolve("restore-image"), image);
            Files.write(target.resolve("restore-image.tmp"), new byte[] {1, 2, 3});
            try (MvccStore reopened = MvccStore.open(target, options("rbtree"))) {
                assertThat(observe(reopened)).isEqualTo(expected);
            }
        }
        try (var files = Files.list(target)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("restore-image"));
        }
    }

    @Test
    void aDamagedImageLeftByACrashFailsTheOpenAsCorruption() throws IOException {
        Path target = dir.resolve("target");
        byte[] image;
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"))) {
            populate(source);
            image = image(source);
        }
        MvccStore.open(target, options("rbtree")).close();
        image[image.length / 2] ^= 1;
        Files.write(target.resolve("restore-image"), image);
        assertFails(ErrorCode.CORRUPTION, () -> MvccStore.open(target, options("rbtree")));
    }

    @Test
    void aPartlyReceivedImageLeftByACrashIsDeletedAndChangesNothing() throws IOException {
        Path target = dir.resolve("target");
        try (MvccStore store = MvccStore.open(target, options("rbtree"))) {
            store.put(b("a"), b("1"));
        }
        Files.write(target.resolve("restore-image.tmp"), new byte[] {1, 2, 3});
        try (MvccStore store = MvccStore.open(target, options("rbtree"))) {
            assertThat(store.get(b("a")).map(kv -> kv.value().toUtf8())).contains("1");
            assertThat(store.currentRevision()).isEqualTo(2);
        }
        assertThat(target.resolve("restore-image.tmp")).doesNotExist();
    }
}
