package io.concordkv.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.raft.core.ConfChange;
import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Sample messages for the codec and transport tests, and a content comparison for them. */
final class TestMessages {
    private TestMessages() {
    }

    /**
     * Same values in every field, arrays compared by content (the records compare them by identity;
     * a plain recursive comparison would visit every byte of a large array).
     */
    static void assertSameMessage(Message actual, Message expected) {
        assertThat(actual).as("message").usingRecursiveComparison()
            .withEqualsForType((x, y) -> Arrays.equals(x, y), byte[].class).isEqualTo(expected);
    }

    static void assertSameMessages(List<Message> actual, List<Message> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertSameMessage(actual.get(i), expected.get(i));
        }
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Snapshot snapshot(long index, long term, int imageBytes, long seed) {
        ConfState conf = new ConfState(Set.of(1L, 2L, 3L), Set.of(7L));
        return new Snapshot(new SnapshotMeta(index, term, conf), bytes(imageBytes, seed));
    }

    /**
     * A message of {@code type} from {@code from} to {@code to} with the fields that type uses set
     * to distinct values: entries for appends and proposals, a snapshot for SNAP, a context for reads.
     */
    static Message sample(MessageType type, long from, long to, int seed) {
        Message m = Message.of(type, from, to, 5 + seed).withLog(4, 100 + seed).withCommit(90 + seed);
        switch (type) {
            case APP, PROP -> {
                List<Entry> entries = new ArrayList<>();
                entries.add(Entry.normal(5, 101 + seed, "put k v".getBytes(StandardCharsets.UTF_8)));
                entries.add(Entry.normal(5, 102 + seed, new byte[0]));
                ConfChange cc = new ConfChange(ConfChange.Type.ADD_LEARNER, 9, "n9@127.0.0.1:1".getBytes(
                    StandardCharsets.UTF_8));
                entries.add(new Entry(5, 103 + seed, Entry.Type.CONF_CHANGE, cc.encode()));
                m = m.withEntries(entries);
            }
            case SNAP -> m = m.withSnapshot(snapshot(80 + seed, 4, 1000, seed));
            case APP_RESP, VOTE_RESP, PRE_VOTE_RESP -> m = m.withReject(true, 77 + seed);
            case READ_INDEX, READ_INDEX_RESP, HEARTBEAT, HEARTBEAT_RESP, TIMEOUT_NOW ->
                m = m.withContext(("read-" + seed).getBytes(StandardCharsets.UTF_8));
            default -> {
            }
        }
        return m;
    }

    /** An append of one entry of {@code dataBytes} at {@code index}. */
    static Message append(long from, long to, long index, int dataBytes) {
        return Message.of(MessageType.APP, from, to, 3).withLog(3, index - 1).withCommit(index - 1)
            .withEntries(List.of(Entry.normal(3, index, bytes(dataBytes, index))));
    }
}
