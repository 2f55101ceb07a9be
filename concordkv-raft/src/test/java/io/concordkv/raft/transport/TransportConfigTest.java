package io.concordkv.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransportConfigTest {
    private static final TransportConfig D = TransportConfig.defaults();

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(D.maxFrameBytes()).isEqualTo(16 << 20);
        assertThat(D.reconnectBackoffMin()).isEqualTo(Duration.ofMillis(50));
        assertThat(D.reconnectBackoffMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(D.snapshotChunkBytes()).isEqualTo(1 << 20);
        assertThat(D.maxSnapshotBytes()).isEqualTo(1L << 30);
        assertThat(D.maxQueuedMessages()).isEqualTo(4096);
        assertThat(D.maxQueuedBytes()).isEqualTo(64L << 20);
        assertThat(D.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(D.ioThreads()).isEqualTo(2);
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        assertRejected(() -> D.withMaxFrameBytes(1 << 20), "snapshotChunkBytes");
        assertRejected(() -> D.withMaxFrameBytes(100), "maxFrameBytes");
        assertRejected(() -> D.withQueueLimits(0, 1), "maxQueuedMessages");
        assertRejected(() -> D.withQueueLimits(1, 0), "maxQueuedBytes");
        assertRejected(() -> D.withReconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)), "reconnectBackoffMin");
        assertRejected(() -> D.withReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)), "below");
        assertRejected(() -> D.withSnapshotLimits(0, 1 << 20), "snapshotChunkBytes");
        assertRejected(() -> D.withSnapshotLimits(1 << 20, Integer.MAX_VALUE), "maxSnapshotBytes");
        assertRejected(() -> D.withConnectTimeout(Duration.ZERO), "connectTimeout");
        assertRejected(() -> D.withIoThreads(0), "ioThreads");
        assertThat(D.withSnapshotLimits(1007, 2000).withMaxFrameBytes(1024).maxFrameBytes()).isEqualTo(1024);
        assertRejected(() -> D.withSnapshotLimits(1008, 2000).withMaxFrameBytes(1024), "snapshotChunkBytes");
    }

    private static void assertRejected(Runnable r, String why) {
        assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
    }
}
