package io.concordkv.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.client.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final long SEED = 0x5EEDL;

    @Test
    void withoutJitterTheWaitDoublesUpToTheCap() {
        Backoff b = new Backoff(new RetryConfig(10, Duration.ofMillis(10), Duration.ofMillis(100), 2.0, 0.0),
            new Random(SEED));
        assertThat(List.of(b.delay(1), b.delay(2), b.delay(3), b.delay(4), b.delay(5), b.delay(9)))
            .containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40),
                Duration.ofMillis(80), Duration.ofMillis(100), Duration.ofMillis(100));
    }

    @Test
    void jitterStaysWithinItsFractionAndReplaysFromTheSeed() {
        System.out.println("BackoffTest seed " + SEED);
        RetryConfig config = new RetryConfig(10, Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.5);
        Backoff one = new Backoff(config, new Random(SEED));
        Backoff two = new Backoff(config, new Random(SEED));
        List<Duration> first = new ArrayList<>();
        for (int retry = 1; retry <= 6; retry++) {
            Duration d = one.delay(retry);
            long base = 100L << (retry - 1);
            assertThat(d.toMillis()).as("retry %s", retry).isBetween(base / 2, base);
            first.add(d);
        }
        for (int retry = 1; retry <= 6; retry++) {
            assertThat(two.delay(retry)).isEqualTo(first.get(retry - 1));
        }
        assertThat(first).doesNotHaveDuplicates();
    }
}
