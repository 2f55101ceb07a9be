package io.concordkv.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {
    private final AtomicLong time = new AtomicLong();
    private final HistoryRecorder recorder = new HistoryRecorder(time::get);

    @Test
    void recordsTimesOutcomesAndOutputs() {
        time.set(10);
        long put = recorder.invoke(1, KvOp.put("k", "a"));
        long get = recorder.invoke(2, KvOp.get("k"));
        long refused = recorder.invoke(3, KvOp.delete("k"));
        long lost = recorder.invoke(4, KvOp.cas("k", "a", "b"));
        long pending = recorder.invoke(5, KvOp.get("k"));
        time.set(20);
        recorder.ok(put, Output.ack());
        recorder.ok(get, Output.read("a"));
        recorder.fail(refused);
        recorder.unknown(lost);

        assertThat(recorder.history()).containsExactly(
                Operation.ok(1, KvOp.put("k", "a"), 10, 20, Output.ack()),
                Operation.ok(2, KvOp.get("k"), 10, 20, Output.read("a")),
                Operation.failed(3, KvOp.delete("k"), 10, 20),
                Operation.unknown(4, KvOp.cas("k", "a", "b"), 10),
                Operation.unknown(5, KvOp.get("k"), 10));
        assertThat(pending).isEqualTo(4);
    }

    @Test
    void historyIsAnImmutableSnapshot() {
        long handle = recorder.invoke(1, KvOp.get("k"));
        List<Operation> before = recorder.history();
        recorder.ok(handle, Output.absent());
        assertThat(before.get(0).outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(recorder.history().get(0).outcome()).isEqualTo(Outcome.OK);
        assertThatThrownBy(() -> before.add(before.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsMisuse() {
        long handle = recorder.invoke(1, KvOp.get("k"));
        assertThatThrownBy(() -> recorder.ok(handle, Output.swap(true))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> recorder.ok(7, Output.absent())).isInstanceOf(IllegalArgumentException.class);
        recorder.ok(handle, Output.absent());
        assertThatThrownBy(() -> recorder.fail(handle)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> recorder.unknown(handle)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsAClockGoingBackwards() {
        time.set(10);
        long handle = recorder.invoke(1, KvOp.put("k", "a"));
        time.set(9);
        assertThatThrownBy(() -> recorder.ok(handle, Output.ack())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threadsRecordingAgainstALinearizableStoreGiveALinearizableHistory() throws Exception {
        HistoryRecorder shared = new HistoryRecorder(System::nanoTime);
        Map<String, String> store = new HashMap<>();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long client = t;
                done.add(pool.submit(() -> runClient(shared, store, client, 500)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Operation> history = shared.history();
        assertThat(history).hasSize(threads * 500).allMatch(op -> op.outcome() == Outcome.OK);
        CheckResult result = new LinearizabilityChecker(Duration.ofSeconds(20)).check(history);
        assertThat(result.status()).as(result.toString()).isEqualTo(CheckResult.Status.OK);
    }

    /** One client of a store made linearizable by a lock: each operation is atomic inside it. */
    private static void runClient(HistoryRecorder recorder, Map<String, String> store, long client, int ops) {
        Random random = new Random(client);
        for (int i = 0; i < ops; i++) {
            String key = "k" + random.nextInt(3);
            String value = "c" + client + "-" + i;
            if (random.nextBoolean()) {
                long handle = recorder.invoke(client, KvOp.get(key));
                Optional<String> read;
                synchronized (store) {
                    read = Optional.ofNullable(store.get(key));
                }
                recorder.ok(handle, Output.read(read));
            } else {
                long handle = recorder.invoke(client, KvOp.put(key, value));
                synchronized (store) {
                    store.put(key, value);
                }
                recorder.ok(handle, Output.ack());
            }
        }
    }
}
