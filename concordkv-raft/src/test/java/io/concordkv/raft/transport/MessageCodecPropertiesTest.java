package io.concordkv.raft.transport;

import static io.concordkv.raft.transport.TestMessages.assertSameMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the codec over generated messages and generated damage. */
class MessageCodecPropertiesTest {
    @Property(tries = 500)
    void everyMessageRoundTrips(@ForAll("messages") Message m) {
        byte[] bytes = MessageCodec.encode(m);
        assertThat(bytes).hasSize(MessageCodec.encodedSize(m));
        assertSameMessage(MessageCodec.decode(bytes), m);
    }

    @Property(tries = 300)
    void everyTruncationIsRejected(@ForAll("messages") Message m, @ForAll @IntRange(min = 1, max = 1000) int cut) {
        byte[] bytes = MessageCodec.encode(m);
        byte[] prefix = Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));
        assertThatThrownBy(() -> MessageCodec.decode(prefix)).isInstanceOf(KvException.class);
    }

    @Property(tries = 1000)
    void damagedInputDecodesOrFailsWithCorruption(@ForAll("messages") Message m,
                                                   @ForAll @IntRange(min = 0, max = 10_000) int at,
                                                   @ForAll byte value) {
        byte[] bytes = MessageCodec.encode(m);
        bytes[at % bytes.length] = value;
        decodeOrCorruption(bytes);
    }

    @Property(tries = 1000)
    void randomBytesDecodeOrFailWithCorruption(@ForAll @Size(max = 200) byte[] bytes) {
        decodeOrCorruption(bytes);
    }

    private static void decodeOrCorruption(byte[] bytes) {
        try {
            Message decoded = MessageCodec.decode(bytes);
            assertThat(MessageCodec.encodedSize(decoded)).isLessThanOrEqualTo(bytes.length);
        } catch (KvException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTION);
        }
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<Long> anyLong = Arbitraries.oneOf(Arbitraries.longs().between(0, 1000), Arbitraries.longs());
        Arbitrary<MessageType> types = Arbitraries.of(MessageType.class);
        Arbitrary<List<Entry>> entries = entry().list().ofMaxSize(5);
        Arbitrary<byte[]> context = Arbitraries.bytes().array(byte[].class).ofMaxSize(20);
        Arbitrary<Message> base = Combinators.combine(types, anyLong, anyLong, anyLong, anyLong, anyLong, anyLong,
            Arbitraries.of(true, false)).as((type, from, to, term, logTerm, index, commit, reject) ->
                new Message(type, from, to, term, logTerm, index, List.of(), commit, reject, 0, Snapshot.EMPTY,
                    new byte[0]));
        return Combinators.combine(base, anyLong, entries, snapshot(), context)
            .as((m, hint, es, snap, ctx) -> m.withReject(m.reject(), hint).withEntries(es).withSnapshot(snap)
                .withContext(ctx));
    }

    private static Arbitrary<Entry> entry() {
        return Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.of(Entry.Type.class),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(50))
            .as(Entry::new);
    }

    private static Arbitrary<Snapshot> snapshot() {
        Arbitrary<Set<Long>> ids = Arbitraries.longs().between(1, Long.MAX_VALUE).set().ofMaxSize(5);
        Arbitrary<Snapshot> some = Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), ids, ids,
                Arbitraries.bytes().array(byte[].class).ofMaxSize(100))
            .as((index, term, voters, learners, data) -> {
                Set<Long> onlyLearners = new HashSet<>(learners);
                onlyLearners.removeAll(voters);
                return new Snapshot(new SnapshotMeta(index, term, new ConfState(voters, onlyLearners)), data);
            });
        return Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(Snapshot.EMPTY)), Tuple.of(2, some));
    }
}
