package io.concordkv.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesWithJitterUpToTheMaximumAndStartsAgainAfterAReset() {
        Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new Random(7));
        assertThat(b.nextDelayMillis()).isEqualTo(50);
        assertThat(b.nextDelayMillis()).isBetween(50L, 100L);
        assertThat(b.nextDelayMillis()).isBetween(100L, 200L);
        assertThat(b.nextDelayMillis()).isBetween(200L, 400L);
        assertThat(b.nextDelayMillis()).isBetween(400L, 800L);
        assertThat(b.nextDelayMillis()).isBetween(800L, 1600L);
        for (int i = 0; i < 100; i++) {
            assertThat(b.nextDelayMillis()).isBetween(1000L, 2000L);
        }
        b.reset();
        assertThat(b.nextDelayMillis()).isEqualTo(50);
    }

    @Test
    void theSameSeedGivesTheSameDelaysAndJitterSpreadsThem() {
        Backoff one = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new Random(1));
        Backoff two = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new Random(1));
        Backoff other = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new Random(2));
        long[] a = new long[20];
        long[] b = new long[20];
        long[] c = new long[20];
        for (int i = 0; i < 20; i++) {
            a[i] = one.nextDelayMillis();
            b[i] = two.nextDelayMillis();
            c[i] = other.nextDelayMillis();
        }
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void aMinimumEqualToTheMaximumIsAFixedDelay() {
        Backoff b = new Backoff(Duration.ofMillis(300), Duration.ofMillis(300), new Random(3));
        for (int i = 0; i < 70; i++) {
            assertThat(b.nextDelayMillis()).isEqualTo(300);
        }
    }
}
