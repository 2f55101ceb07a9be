package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A version made over the one it replaces ({@link VersionRecord#over}): what it takes from it, and when. */
class VersionRecordTest {
    private static final long SEED = Long.getLong("concordkv.txn.seed", System.nanoTime());

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    @Test
    void aVersionMadeOverAnotherIsTheVersionAPutWouldMake() {
        VersionRecord first = VersionRecord.put(5, b("a"), 0, null);
        VersionRecord second = VersionRecord.over(7, b("b"), 3, first);
        VersionRecord third = VersionRecord.over(9, b("c"), 0, second);

        assertThat(third.heldReplaced()).as("nothing read yet").isNotNull();
        assertThat(third).isEqualTo(VersionRecord.put(9, b("c"), 0, VersionRecord.put(7, b("b"), 3, first)));
        assertThat(third.createRevision()).isEqualTo(5);
        assertThat(third.version()).isEqualTo(3);
        assertThat(third.prevRevision()).isEqualTo(7);
        assertThat(third.heldReplaced()).isNull();
        assertThat(second.heldReplaced()).as("settled on the way").isNull();
        assertThat(second.lease()).isEqualTo(3);
        assertThat(third.encode()).isEqualTo(VersionRecord.of(false, 5, 9, 3, 0, 7, 0, b("c")).encode());
    }

    @Test
    void aLeaseAndAReplacingRevisionAreKeptWhetherOrNotEitherIsZero() {
        VersionRecord first = VersionRecord.put(5, b("a"), 0, null);
        for (long lease : new long[] {0, 1, 300}) {
            for (long supersededAt : new long[] {0, 6, 1L << 40}) {
                VersionRecord v = VersionRecord.of(false, 5, 5, 1, lease, 0, supersededAt, b("a"));
                assertThat(v.lease()).isEqualTo(lease);
                assertThat(v.supersededAt()).isEqualTo(supersededAt);
                assertThat(VersionRecord.decode(v.encode())).isEqualTo(v);
                assertThat(v.supersededBy(9).supersededAt()).isEqualTo(9);
                assertThat(v.supersededBy(9).lease()).isEqualTo(lease);
                assertThat(v.countedSize(supersededAt)).isGreaterThanOrEqualTo(v.encodedSize());
                // the same fields made the other ways: a put over the first version, and one made over it
                VersionRecord put = VersionRecord.put(5, b("a"), lease, null);
                VersionRecord over = VersionRecord.over(7, b("b"), lease, first);
                assertThat(put.lease()).isEqualTo(lease);
                assertThat(over.lease()).isEqualTo(lease);
                assertThat(over.supersededAt()).isZero();
                assertThat(over).isEqualTo(VersionRecord.of(false, 5, 7, 2, lease, 5, 0, b("b")));
            }
        }
        assertThat(VersionRecord.of(false, 5, 5, 1, 0, 0, 6, b("a")))
            .as("a replacing revision makes a different version")
            .isNotEqualTo(VersionRecord.of(false, 5, 5, 1, 0, 0, 0, b("a")));
    }

    @Test
    void aVersionMadeOverATombstoneCreatesTheKeyAgain() {
        VersionRecord live = VersionRecord.put(5, b("a"), 0, null);
        VersionRecord deleted = VersionRecord.delete(8, live);
        VersionRecord again = VersionRecord.over(10, b("b"), 0, deleted);

        assertThat(again.createRevision()).isEqualTo(10);
        assertThat(again.version()).isEqualTo(1);
        assertThat(again.prevRevision()).isEqualTo(8);
        assertThat(again).isEqualTo(VersionRecord.put(10, b("b"), 0, deleted));
    }

    @Test
    void theCountedSizeNeedsNothingFromTheReplacedVersionAndIsAtLeastTheEncodedOne() {
        VersionRecord v = VersionRecord.put(1, b("a"), 0, null);
        for (long revision = 2; revision < 300_000; revision = revision * 3 + 1) {
            VersionRecord next = VersionRecord.over(revision, b("v".repeat((int) (revision % 50))), revision % 3, v);
            int counted = next.countedSize(0);
            assertThat(next.heldReplaced()).as("counted without settling").isNotNull();
            assertThat(counted).as("revision %d", revision).isGreaterThanOrEqualTo(next.encodedSize(0))
                .isLessThanOrEqualTo(next.encodedSize(0) + 3 * 3);
            assertThat(next.countedSize(revision + 1) - counted)
                .isEqualTo(VersionRecord.replacedMarkSize(revision + 1));
            v = next;
        }
    }

    @Test
    void aLongChainSettlesWithoutRecursion() {
        VersionRecord v = VersionRecord.put(1, b("a"), 0, null);
        VersionRecord bottom = v;
        int depth = 200_000;
        for (int i = 2; i <= depth; i++) {
            v = VersionRecord.over(i, b("a"), 0, v);
        }
        assertThat(v.version()).isEqualTo(depth);
        assertThat(v.createRevision()).isEqualTo(1);
        assertThat(v.prevRevision()).isEqualTo(depth - 1);
        assertThat(bottom.heldReplaced()).isNull();
    }

    /**
     * Threads that ask at once for the fields of versions in one chain, from different places in
     * it, all find each version's own: whichever settles a version, the others see what it wrote.
     */
    @Test
    void readersRacingToSettleAChainAllSeeEachVersionsFields() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        System.out.println("VersionRecordTest seed " + SEED + " (replay with -Dconcordkv.txn.seed=" + SEED + ")");
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int trial = 0; trial < 200; trial++) {
                // a chain of puts with a delete every so often; what each version must say, computed eagerly
                List<VersionRecord> chain = new ArrayList<>();
                List<VersionRecord> expected = new ArrayList<>();
                VersionRecord lazy = VersionRecord.put(1, b("x"), 0, null);
                VersionRecord eager = lazy;
                chain.add(lazy);
                expected.add(eager);
                for (int revision = 2; revision < 120; revision++) {
                    if (random.nextInt(10) == 0 && !eager.tombstone()) {
                        eager = VersionRecord.delete(revision, eager);
                        lazy = VersionRecord.delete(revision, lazy);
                    } else {
                        Bytes value = b("v" + revision);
                        eager = VersionRecord.put(revision, value, 0, eager);
                        lazy = lazy.tombstone() ? VersionRecord.put(revision, value, 0, lazy)
                            : VersionRecord.over(revision, value, 0, lazy);
                    }
                    chain.add(lazy);
                    expected.add(eager);
                }
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> readers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long seed = random.nextLong();
                    readers.add(pool.submit(() -> {
                        start.await();
                        SplittableRandom r = new SplittableRandom(seed);
                        for (int n = 0; n < 40; n++) {
                            int i = r.nextInt(chain.size());
                            VersionRecord got = chain.get(i);
                            VersionRecord want = expected.get(i);
                            assertThat(got.createRevision()).as("create revision at %d", i).isEqualTo(want.createRevision());
                            assertThat(got.version()).as("version at %d", i).isEqualTo(want.version());
                            assertThat(got.prevRevision()).as("previous revision at %d", i).isEqualTo(want.prevRevision());
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : readers) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertThat(chain).as("seed %d trial %d", SEED, trial).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
