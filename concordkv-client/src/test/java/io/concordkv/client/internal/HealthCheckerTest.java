package io.concordkv.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.client.Endpoint;
import io.concordkv.client.HealthConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {
    private static final HealthConfig CONFIG = new HealthConfig(true, Duration.ofSeconds(1), Duration.ofMillis(200), 3);

    /** A subject with a plain flag. */
    private static final class Node implements HealthChecker.Subject {
        private final Endpoint endpoint;
        private volatile boolean healthy = true;

        Node(int port) {
            this.endpoint = new Endpoint("127.0.0.1", port);
        }

        @Override
        public Endpoint endpoint() {
            return endpoint;
        }

        @Override
        public boolean healthy() {
            return healthy;
        }

        @Override
        public void markHealthy(boolean value) {
            healthy = value;
        }
    }

    private enum Answer { OK, FAIL, HANG }

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Node a = new Node(1);
    private final Node b = new Node(2);
    private final Map<Endpoint, Answer> answers = new HashMap<>();
    private int probes;

    private final HealthChecker checker = new HealthChecker(CONFIG, () -> List.of(a, b), (subject, config) -> {
        probes++;
        return switch (answers.getOrDefault(subject.endpoint(), Answer.OK)) {
            case OK -> CompletableFuture.completedFuture(null);
            case FAIL -> CompletableFuture.failedFuture(new IllegalStateException("down"));
            case HANG -> new CompletableFuture<>();
        };
    }, scheduler);

    @Test
    void anEndpointIsTakenOutAfterRetriesConsecutiveFailuresAndPutBackByOneSuccess() {
        answers.put(a.endpoint(), Answer.FAIL);
        checker.runRound();
        checker.runRound();
        assertThat(a.healthy()).as("two failures of three allowed").isTrue();
        checker.runRound();
        assertThat(a.healthy()).isFalse();
        assertThat(b.healthy()).isTrue();
        answers.put(a.endpoint(), Answer.OK);
        checker.runRound();
        assertThat(a.healthy()).isTrue();
    }

    @Test
    void aSuccessResetsTheCountOfFailures() {
        answers.put(a.endpoint(), Answer.FAIL);
        checker.runRound();
        checker.runRound();
        answers.put(a.endpoint(), Answer.OK);
        checker.runRound();
        answers.put(a.endpoint(), Answer.FAIL);
        checker.runRound();
        checker.runRound();
        assertThat(a.healthy()).isTrue();
        checker.runRound();
        assertThat(a.healthy()).isFalse();
    }

    @Test
    void aProbeThatDoesNotAnswerWithinTheTimeoutCountsAsAFailure() {
        answers.put(b.endpoint(), Answer.HANG);
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Void> round = checker.runRound();
            assertThat(round).isNotDone();
            scheduler.advance(Duration.ofMillis(199));
            assertThat(round).isNotDone();
            scheduler.advance(Duration.ofMillis(1));
            assertThat(round).isCompleted();
        }
        assertThat(b.healthy()).isFalse();
        assertThat(a.healthy()).isTrue();
    }

    @Test
    void roundsRunEveryIntervalOnceStarted() {
        checker.start();
        assertThat(probes).isZero();
        scheduler.advance(Duration.ofMillis(999));
        assertThat(probes).isZero();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(probes).isEqualTo(2);
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(probes).isEqualTo(8);
        checker.close();
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(probes).isLessThanOrEqualTo(10);
    }
}
