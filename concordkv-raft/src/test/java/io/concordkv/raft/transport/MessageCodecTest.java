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
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    @Test
    void roundTripsEveryMessageType() {
        for (MessageType type : MessageType.values()) {
            Message m = TestMessages.sample(type, 1, 2, type.ordinal());
            byte[] bytes = MessageCodec.encode(m);
            assertThat(bytes).hasSize(MessageCodec.encodedSize(m));
            assertSameMessage(MessageCodec.decode(bytes), m);
        }
    }

    @Test
    void roundTripsExtremeValues() {
        Message m = new Message(MessageType.APP, Long.MAX_VALUE, -1, Long.MIN_VALUE, 0, Long.MAX_VALUE,
            List.of(new Entry(Long.MAX_VALUE, Long.MAX_VALUE, Entry.Type.CONF_CHANGE, new byte[300])), -7, true,
            Long.MAX_VALUE, new Snapshot(new SnapshotMeta(0, 0, new ConfState(Set.of(), Set.of(Long.MAX_VALUE))),
                new byte[0]), new byte[200]);
        assertSameMessage(MessageCodec.decode(MessageCodec.encode(m)), m);
    }

    @Test
    void theComparisonOfMessagesSeesIntoArrays() {
        Message m = TestMessages.sample(MessageType.SNAP, 1, 2, 0);
        byte[] image = m.snapshot().data().clone();
        image[5]++;
        Message other = m.withSnapshot(new Snapshot(m.snapshot().meta(), image));
        assertThatThrownBy(() -> assertSameMessage(other, m)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertSameMessage(m.withContext(new byte[] {1}), m)).isInstanceOf(AssertionError.class);
        assertSameMessage(MessageCodec.decode(MessageCodec.encode(m)), m);
    }

    @Test
    void everyMessageTypeHasItsOwnWireCode() {
        Set<Integer> codes = new HashSet<>();
        for (MessageType type : MessageType.values()) {
            codes.add(MessageCodec.typeCode(type));
        }
        assertThat(codes).hasSize(MessageType.values().length);
        assertThat(MessageCodec.typeCode(MessageType.HEARTBEAT)).isEqualTo(10);
        assertThat(MessageCodec.typeCode(MessageType.READ_INDEX_RESP)).isEqualTo(17);
    }

    @Test
    void writesTheDocumentedLayoutOfAHeartbeat() {
        Message hb = Message.of(MessageType.HEARTBEAT, 1, 2, 5).withCommit(300);
        assertThat(MessageCodec.encode(hb)).containsExactly(
            0x01, 0x0A, 0x00, // version, type HEARTBEAT, flags
            0x01, 0x02, 0x05, 0x00, 0x00, 0xAC, 0x02, 0x00, // from, to, term, logTerm, index, commit 300, hint
            0x00, 0x00); // context length, entry count
    }

    @Test
    void writesTheDocumentedLayoutOfEntriesAndASnapshot() {
        Snapshot snap = new Snapshot(new SnapshotMeta(3, 2, ConfState.ofVoters(Set.of(2L, 1L))), new byte[] {9});
        Message m = Message.of(MessageType.SNAP, 1, 2, 2).withReject(true, 0).withSnapshot(snap)
            .withEntries(List.of(new Entry(2, 3, Entry.Type.CONF_CHANGE, new byte[] {7, 8})))
            .withContext(new byte[] {5});
        assertThat(MessageCodec.encode(m)).containsExactly(
            0x01, 0x09, 0x03, // version, type SNAP, flags reject + snapshot
            0x01, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, // from, to, term, logTerm, index, commit, hint
            0x01, 0x05, // context
            0x01, 0x02, 0x03, 0x01, 0x02, 0x07, 0x08, // one entry: term 2, index 3, CONF_CHANGE, data
            0x03, 0x02, 0x02, 0x01, 0x02, 0x00, 0x01, 0x09); // index, term, voters 1 2, no learners, image
    }

    @Test
    void encodesIntoABufferAtItsPosition() {
        Message m = TestMessages.sample(MessageType.APP, 3, 4, 1);
        ByteBuffer buf = ByteBuffer.allocate(MessageCodec.encodedSize(m) + 10);
        buf.position(10);
        MessageCodec.encode(m, buf);
        assertThat(buf.remaining()).isZero();
        assertSameMessage(MessageCodec.decode(buf.flip().position(10)), m);
    }

    @Test
    void refusesToEncodeMissingFieldsAndBadMemberIds() {
        Message noContext = Message.of(MessageType.APP, 1, 2, 1).withContext(null);
        assertThatThrownBy(() -> MessageCodec.encode(noContext)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("context");
        Snapshot zeroId = new Snapshot(new SnapshotMeta(1, 1, ConfState.ofVoters(Set.of(0L))), new byte[0]);
        assertThatThrownBy(() -> MessageCodec.encodedSize(Message.of(MessageType.SNAP, 1, 2, 1).withSnapshot(zeroId)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void rejectsAnUnknownVersionTypeOrFlag() {
        byte[] ok = MessageCodec.encode(Message.of(MessageType.VOTE, 1, 2, 3));
        assertCorrupt(with(ok, 0, 2), "format version 2");
        assertCorrupt(with(ok, 1, 19), "unknown message type code 19");
        assertCorrupt(with(ok, 2, 4), "unknown flags");
        assertCorrupt(new byte[0], "format version missing");
    }

    @Test
    void rejectsEveryTruncation() {
        byte[] whole = MessageCodec.encode(TestMessages.sample(MessageType.SNAP, 1, 2, 0));
        for (int n = 0; n < whole.length; n++) {
            byte[] prefix = Arrays.copyOf(whole, n);
            assertThatThrownBy(() -> MessageCodec.decode(prefix)).as("prefix of %d bytes", n)
                .isInstanceOf(KvException.class);
        }
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] ok = MessageCodec.encode(Message.of(MessageType.VOTE, 1, 2, 3));
        assertCorrupt(Arrays.copyOf(ok, ok.length + 1), "1 bytes after the end");
    }

    @Test
    void rejectsForgedCountsAndLengthsWithoutAllocatingForThem() {
        // header, then context length 2^40
        assertCorrupt(bytes(1, 3, 0, 1, 2, 1, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20), "context length");
        // no context, then an entry count of 2^31 - 1
        assertCorrupt(bytes(1, 3, 0, 1, 2, 1, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x07), "entry count 2147483647");
        // one entry whose data claims 1000 bytes
        assertCorrupt(bytes(1, 3, 0, 1, 2, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0xE8, 0x07), "entry data length 1000");
    }

    @Test
    void rejectsAVarintLongerThan64Bits() {
        assertCorrupt(bytes(1, 3, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02), "from overflows");
        assertCorrupt(bytes(1, 3, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0), "from overflows");
    }

    @Test
    void rejectsBadEntries() {
        // one entry: term 1, index 0
        assertCorrupt(bytes(1, 3, 0, 1, 2, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0), "index 0");
        // one entry of type 2
        assertCorrupt(bytes(1, 3, 0, 1, 2, 1, 0, 0, 0, 0, 0, 1, 1, 1, 2, 0), "unknown entry type code 2");
    }

    @Test
    void rejectsBadConfigurations() {
        byte[] head = bytes(1, 9, 2, 1, 2, 1, 0, 0, 0, 0, 0, 0, 5, 1);
        assertCorrupt(concat(head, bytes(2, 2, 1, 0, 0)), "voter ids must be positive and ascending: 1 after 2");
        assertCorrupt(concat(head, bytes(2, 1, 1, 0, 0)), "1 after 1");
        assertCorrupt(concat(head, bytes(1, 0, 0, 0)), "positive and ascending: 0");
        assertCorrupt(concat(head, bytes(1, 3, 1, 3, 0)), "member 3 is both voter and learner");
        assertThat(MessageCodec.decode(concat(head, bytes(1, 3, 1, 4, 0))).snapshot().meta().conf())
            .isEqualTo(new ConfState(Set.of(3L), Set.of(4L)));
    }

    private static void assertCorrupt(byte[] input, String why) {
        ThrowingCallable decode = () -> MessageCodec.decode(input);
        assertThatThrownBy(decode).isInstanceOf(KvException.class).hasMessageContaining(why)
            .satisfies(e -> assertThat(((KvException) e).code()).isEqualTo(ErrorCode.CORRUPTION));
    }

    private static byte[] with(byte[] b, int index, int value) {
        byte[] copy = b.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
