package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import org.junit.jupiter.api.Test;

/**
 * A version made from the fields of the one it replaces ({@link VersionRecord#putAfter}), and the
 * records a log holds for versions ({@link VersionRecord#encodeFiling}).
 */
class VersionRecordTest {
    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    /** {@code putAfter} from the fields of {@code replaced}, as a key's entry keeps them. */
    private static VersionRecord after(long revision, Bytes value, long lease, VersionRecord replaced) {
        return VersionRecord.putAfter(revision, value, lease, replaced.createRevision(),
            replaced.tombstone() ? 0 : replaced.version(), replaced.modRevision());
    }

    @Test
    void aVersionMadeFromTheReplacedOnesFieldsIsTheVersionAPutWouldMake() {
        VersionRecord first = VersionRecord.put(5, b("a"), 0, null);
        VersionRecord second = after(7, b("b"), 3, first);
        VersionRecord third = after(9, b("c"), 0, second);

        assertThat(second).isEqualTo(VersionRecord.put(7, b("b"), 3, first));
        assertThat(third).isEqualTo(VersionRecord.put(9, b("c"), 0, VersionRecord.put(7, b("b"), 3, first)));
        assertThat(third.createRevision()).isEqualTo(5);
        assertThat(third.version()).isEqualTo(3);
        assertThat(third.prevRevision()).isEqualTo(7);
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
                // the same fields made the other ways: a put over the first version, and one made from its fields
                VersionRecord put = VersionRecord.put(5, b("a"), lease, null);
                VersionRecord after = after(7, b("b"), lease, first);
                assertThat(put.lease()).isEqualTo(lease);
                assertThat(after.lease()).isEqualTo(lease);
                assertThat(after.supersededAt()).isZero();
                assertThat(after).isEqualTo(VersionRecord.of(false, 5, 7, 2, lease, 5, 0, b("b")));
            }
        }
        assertThat(VersionRecord.of(false, 5, 5, 1, 0, 0, 6, b("a")))
            .as("a replacing revision makes a different version")
            .isNotEqualTo(VersionRecord.of(false, 5, 5, 1, 0, 0, 0, b("a")));
    }

    @Test
    void aVersionMadeAfterATombstoneCreatesTheKeyAgain() {
        VersionRecord live = VersionRecord.put(5, b("a"), 0, null);
        VersionRecord deleted = VersionRecord.delete(8, live);
        VersionRecord again = after(10, b("b"), 0, deleted);

        assertThat(again.createRevision()).isEqualTo(10);
        assertThat(again.version()).isEqualTo(1);
        assertThat(again.prevRevision()).isEqualTo(8);
        assertThat(again).isEqualTo(VersionRecord.put(10, b("b"), 0, deleted));
    }

    @Test
    void theCountedSizeIsAtLeastTheEncodedOneAndAtMostAFewBytesMore() {
        VersionRecord v = VersionRecord.put(1, b("a"), 0, null);
        for (long revision = 2; revision < 300_000; revision = revision * 3 + 1) {
            VersionRecord next = after(revision, b("v".repeat((int) (revision % 50))), revision % 3, v);
            int counted = next.countedSize(0);
            assertThat(counted).as("revision %d", revision).isGreaterThanOrEqualTo(next.encodedSize(0))
                .isLessThanOrEqualTo(next.encodedSize(0) + 3 * 3);
            assertThat(next.countedSize(revision + 1) - counted)
                .isEqualTo(VersionRecord.replacedMarkSize(revision + 1));
            v = next;
        }
    }

    @Test
    void aFilingRecordIsTheVersionFlaggedAndOnlyTheLoggedDecodingReadsIt() {
        VersionRecord first = VersionRecord.put(5, b("a"), 0, null);
        for (VersionRecord next : new VersionRecord[] {VersionRecord.put(300, b("value"), 7, first),
            VersionRecord.delete(1L << 40, first), VersionRecord.put(9, Bytes.EMPTY, 0, first)}) {
            Bytes filing = next.encodeFiling();
            byte[] in = filing.unsafeArray();
            assertThat(VersionRecord.isFiling(in, 0, in.length)).isTrue();
            assertThat(VersionRecord.isFiling(next.encode().unsafeArray(), 0, next.encodedSize())).isFalse();
            assertThat(filing.length()).as("the same size as the version's record").isEqualTo(next.encodedSize());
            assertThat(VersionRecord.decodeLogged(filing)).isEqualTo(next);
            assertThat(VersionRecord.decodeLogged(next.encode())).isEqualTo(next);
            assertThat(VersionRecord.modRevisionOf(in, 0, in.length)).isEqualTo(next.modRevision());
            assertThatThrownBy(() -> VersionRecord.decode(filing)).isInstanceOf(KvException.class)
                .hasMessageContaining("filing record")
                .satisfies(e -> assertThat(((KvException) e).code()).isEqualTo(ErrorCode.CORRUPTION));
        }
        Bytes reference = VersionRecord.reference(5);
        assertThat(VersionRecord.isFiling(reference.unsafeArray(), 0, reference.length())).isFalse();
        assertThatThrownBy(() -> VersionRecord.decodeLogged(reference)).isInstanceOf(KvException.class);
        assertThatThrownBy(() -> VersionRecord.modRevisionOf(new byte[] {4, (byte) 0x81}, 0, 2))
            .as("cut short").isInstanceOf(KvException.class);
    }
}
