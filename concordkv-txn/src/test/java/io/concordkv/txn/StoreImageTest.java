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
import io.concordkv.storage.ScanRange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An image restored anywhere gives a store equal to its source in every observable way, a fresh
 * open of the restored data included, and commits go on from the image's revision.
 */
class StoreImageTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"rbtree, rbtree", "array, hash", "hash, lsm", "lsm, array"})
    void anImageRestoredIntoAFreshStoreEqualsItsSource(String from, String to) {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options(from));
             MvccStore target = MvccStore.open(dir.resolve("target"), options(to))) {
            populate(source);
            byte[] image = image(source);
            restore(target, image);

            assertThat(target.currentRevision()).isEqualTo(13);
            assertThat(target.compactedRevision()).isEqualTo(6);
            assertThat(observe(target)).isEqualTo(observe(source));
            assertThat(target.get(b("c"))).contains(new KeyVersion(b("c"), b("c2"), 6, 13, 2, 7));
            assertThat(target.get(b("b"), 7)).as("created again: a new create revision")
                .contains(new KeyVersion(b("b"), b("b2"), 7, 7, 1, 0));
            assertThatThrownBy(() -> target.get(b("a"), 5)).isInstanceOf(KvException.class)
                .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.COMPACTED);
            assertThat(image(target)).as("the restored store's image is the image, byte for byte").isEqualTo(image);

            assertThat(target.put(b("g"), b("g1")).revision()).as("commits go on after the image's revision")
                .isEqualTo(source.put(b("g"), b("g1")).revision()).isEqualTo(14);
            assertThat(observe(target)).isEqualTo(observe(source));
        }
    }

    @Test
    void anImageReplacesConflictingDataAndANewerRevisionAndAFreshOpenAgrees() {
        MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
        MvccStore target = MvccStore.open(dir.resolve("target"), options("rbtree"));
        populate(source);
        for (int i = 0; i < 40; i++) {
            target.put(b(i % 3 == 0 ? "a" : "z" + i % 5), b("other" + i), i % 2);
        }
        target.delete(b("c"));
        target.compact(30);
        target.putSystem(ImageFixture.leaseName(9), b("stale"));
        target.putSystem(b("other"), b("x"));
        restore(target, image(source));
        assertThat(observe(target)).isEqualTo(observe(source));

        target.close();
        target = MvccStore.open(dir.resolve("target"), options("rbtree"));
        assertThat(observe(target)).as("reopened on the restored data").isEqualTo(observe(source));
        CompactionReport there = target.compact(13);
        CompactionReport here = source.compact(13);
        assertThat(there).as("the history queue is the one a fresh open builds").isEqualTo(here);
        assertThat(observe(target)).isEqualTo(observe(source));
        target.close();
        source.close();
    }

    @Test
    void aRestoreInMemoryMatchesAFreshOpenOfTheRestoredData() {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("hash"));
             MvccStore target = MvccStore.open(dir.resolve("target"), options("hash"))) {
            populate(source);
            for (int i = 0; i < 25; i++) {
                target.put(b("k" + i % 4), b("v" + i));
            }
            restore(target, image(source));
            CompactionReport there = target.compact(13);
            assertThat(there).as("without a reopen the history queue is rebuilt too").isEqualTo(source.compact(13));
            assertThat(target.txn(new TxnRequest(java.util.List.of(Compare.modRevision(b("c"), Compare.Op.EQUAL, 13)),
                java.util.List.of(new TxnOp.Put(b("c"), b("c3"), 7, true)), java.util.List.of())).revision())
                .isEqualTo(14);
        }
    }

    @Test
    void theImageOfAnEmptyStoreEmptiesAStore() {
        try (MvccStore empty = MvccStore.open(dir.resolve("empty"), options("rbtree"));
             MvccStore target = MvccStore.open(dir.resolve("target"), options("array"))) {
            populate(target);
            restore(target, image(empty));
            assertThat(observe(target)).isEqualTo(observe(empty));
            assertThat(target.currentRevision()).isEqualTo(MvccStore.FIRST_REVISION);
            assertThat(target.put(b("a"), b("1")).revision()).isEqualTo(2);
        }
    }

    /**
     * Commits made while the image is written (from the stream the image goes to, so at known
     * points) are left out: the image is exactly the store at its revision, which the restored
     * store shows by writing the same image, and by its history matching the source's up to there.
     */
    @Test
    void commitsWhileTheImageIsWrittenAreLeftOutExactly() {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore target = MvccStore.open(dir.resolve("target"), options("rbtree"))) {
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 6_000; i++) {
                write(source, random, i);
            }
            source.compact(2_000);
            long revision = source.currentRevision();
            ByteArrayOutputStream image = new ByteArrayOutputStream();
            int[] flushes = {0};
            source.writeImage(new OutputStream() {
                @Override
                public void write(int b) {
                    image.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    image.write(bytes, offset, length);
                    flushes[0]++;
                    for (int i = 0; i < 200; i++) {
                        StoreImageTest.write(source, random, i);
                    }
                }
            });
            assertThat(flushes[0]).as("pages read after commits went on").isGreaterThan(10);
            assertThat(source.currentRevision()).isGreaterThan(revision + 2_000);

            restore(target, image.toByteArray());
            assertThat(target.currentRevision()).isEqualTo(revision);
            assertThat(image(target)).isEqualTo(image.toByteArray());
            assertThat(target.changes(ScanRange.all(), 2_001, revision))
                .isEqualTo(source.changes(ScanRange.all(), 2_001, revision));
            assertThat(target.range(ScanRange.all(), revision)).isEqualTo(source.range(ScanRange.all(), revision));
        }
    }

    /**
     * An image captured at revision R and written after more commits, a system record change and
     * a compaction asked past R is the image of the store at R: history compaction held at R until
     * it is written (and free to go on after), system records as they were at the capture.
     */
    @Test
    void aCapturedImageWrittenLaterIsTheStoreAtItsRevision() {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), options("rbtree"));
             MvccStore target = MvccStore.open(dir.resolve("target"), options("hash"));
             MvccStore reference = MvccStore.open(dir.resolve("reference"), options("rbtree"))) {
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < 3_000; i++) {
                write(source, random, i);
            }
            source.putSystem(b("lease/1"), b("ttl=5"));
            byte[] then = image(source);
            ImageCapture capture = source.captureImage();
            long revision = capture.revision();
            assertThat(revision).isEqualTo(source.currentRevision());
            for (int i = 0; i < 2_000; i++) {
                write(source, random, i);
            }
            source.putSystem(b("lease/1"), b("ttl=9"));
            source.putSystem(b("lease/2"), b("ttl=1"));
            CompactionReport held = source.compact(source.currentRevision());
            assertThat(held.revision()).as("compaction stops at the captured revision").isLessThanOrEqualTo(revision);
            ByteArrayOutputStream later = new ByteArrayOutputStream();
            capture.writeTo(later);
            assertThatThrownBy(() -> capture.writeTo(new ByteArrayOutputStream())).isInstanceOf(IllegalStateException.class);

            restore(target, later.toByteArray());
            restore(reference, then);
            assertThat(target.currentRevision()).isEqualTo(revision);
            assertThat(target.range(ScanRange.all())).isEqualTo(reference.range(ScanRange.all()));
            assertThat(target.changes(ScanRange.all(), held.revision() + 1, revision))
                .isEqualTo(reference.changes(ScanRange.all(), held.revision() + 1, revision));
            assertThat(target.scanSystem(b("lease/"))).as("system records as at the capture")
                .isEqualTo(reference.scanSystem(b("lease/")));
            assertThat(source.compact(source.currentRevision()).revision()).as("free once written")
                .isEqualTo(source.currentRevision());

            ImageCapture dropped = source.captureImage();
            write(source, random, 0);
            dropped.close();
            assertThat(source.compact(source.currentRevision()).revision()).as("free once closed")
                .isEqualTo(source.currentRevision());
        }
    }

    /** Overwrites, deletes, and creations again of 400 keys with values big enough to fill pages. */
    private static void write(MvccStore s, SplittableRandom random, int i) {
        Bytes key = b(String.format("key%04d", random.nextInt(400)));
        if (random.nextInt(5) == 0) {
            s.delete(key);
        } else {
            s.put(key, Bytes.wrap(new byte[100 + random.nextInt(400)]), random.nextInt(3));
        }
    }

    @Test
    void aFailingStreamFailsTheImageWithIoError() {
        try (MvccStore source = MvccStore.open(dir, options("rbtree"))) {
            populate(source);
            assertThatThrownBy(() -> source.writeImage(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("disk full");
                }
            })).isInstanceOf(KvException.class).extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.IO_ERROR);
            assertThat(source.compact(13).revision()).as("compaction is not held off after a failed image").isEqualTo(13);
        }
    }
}
