package io.concordkv.raft.transport;

import static io.concordkv.raft.transport.TestMessages.assertSameMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.KvException;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.raft.core.Snapshot;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotAssemblerTest {
    private final Message whole = Message.of(MessageType.SNAP, 1, 2, 3)
        .withSnapshot(TestMessages.snapshot(50, 3, 3_000_000, 5));
    private final Message header = whole.withSnapshot(new Snapshot(whole.snapshot().meta(), new byte[0]));
    private final byte[] image = whole.snapshot().data();
    private final SnapshotAssembler assembler = new SnapshotAssembler(4_000_000);

    @Test
    void reassemblesChunksInOrder() {
        assembler.begin(7, image.length, header);
        assertThat(chunk(7, 0, 0, 1_000_000)).isEmpty();
        assertThat(chunk(7, 1, 1_000_000, 2_999_999)).isEmpty();
        Optional<Message> done = chunk(7, 2, 2_999_999, 3_000_000);
        assertThat(done).isPresent();
        assertSameMessage(done.get(), whole);
        assertThat(assembler.inProgress()).isFalse();
        assembler.begin(8, 1, header);
        assertThat(chunk(8, 0, 0, 1)).isPresent();
    }

    @Test
    void rejectsABrokenSequence() {
        assembler.begin(7, image.length, header);
        assertBroken(() -> chunk(7, 1, 0, 10), "chunk 0 of stream 7 was due");
        assembler.discard();
        assembler.begin(7, image.length, header);
        assertBroken(() -> chunk(8, 0, 0, 10), "stream 8");
        assembler.discard();
        assembler.begin(7, 10, header);
        assertBroken(() -> chunk(7, 0, 0, 11), "11 bytes where 10 remain");
        assertBroken(() -> assembler.begin(9, 10, header), "began inside stream 7");
        assembler.discard();
        assertBroken(() -> chunk(7, 0, 0, 1), "outside a stream");
        assembler.begin(7, 10, header);
        assertBroken(() -> chunk(7, 0, 0, 0), "chunk of 0 bytes");
    }

    @Test
    void rejectsAnImageOverTheLimitOrAHeaderThatIsNotABareSnap() {
        assertBroken(() -> assembler.begin(1, 4_000_001, header), "limit 4000000");
        assertBroken(() -> assembler.begin(1, 0, header), "image of 0 bytes");
        assertBroken(() -> assembler.begin(1, 10, whole), "without image");
        assertBroken(() -> assembler.begin(1, 10, Message.of(MessageType.APP, 1, 2, 3)), "without image");
        assertThat(assembler.inProgress()).isFalse();
    }

    private Optional<Message> chunk(long stream, int seq, int from, int to) {
        return assembler.chunk(stream, seq, Unpooled.wrappedBuffer(Arrays.copyOfRange(image, from, to)));
    }

    private static void assertBroken(Runnable r, String why) {
        assertThatThrownBy(r::run).isInstanceOf(KvException.class).hasMessageContaining(why);
    }
}
