package io.concordkv.it.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash test with a real process: a child JVM ({@link CrashWriter}) writes three-key batches and
 * reports each acknowledged one; the test kills it with SIGKILL at a random moment, reopens the
 * directory, and checks that every acknowledged batch is there with its values (but for the
 * policy's window), that every batch is all-or-nothing, and that the batches present are a
 * gap-free prefix (at most the one in flight beyond the last acknowledgement). Then the next round writes on into the same directory.
 *
 * <p>Under {@code always} no acknowledged batch may be lost. Under {@code batch} the promised window
 * may be: the batches since the last sync, fewer than {@link StoreOptions#batchSyncOps()} (the
 * log buffer goes to the OS only at a sync). Power loss, which SIGKILL cannot simulate, is tested
 * with the fault-injecting file system in {@code KvStoreTest}. Rounds: {@code -Dconcordkv.crash.rounds}
 * (default 4 per policy; the seed is printed and {@code -Dconcordkv.crash.seed} replays it).
 */
class CrashRecoveryIT {
    private static final int ROUNDS = Integer.getInteger("concordkv.crash.rounds", 4);

    @TempDir
    Path dir;

    static StoreOptions options(FsyncPolicy policy) {
        return StoreOptions.defaults("rbtree").withFsync(policy).withSegmentBytes(64 * 1024)
            .withMaxSnapshotChain(3);
    }

    @ParameterizedTest
    @EnumSource(value = FsyncPolicy.class, names = {"ALWAYS", "BATCH"})
    void acknowledgedWritesSurviveSigkill(FsyncPolicy policy) throws Exception {
        long seed = Long.getLong("concordkv.crash.seed", System.nanoTime());
        System.out.println("CrashRecoveryIT " + policy + " seed = " + seed);
        Random random = new Random(seed);
        long next = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int killAfter = 1 + random.nextInt(800);
            long lastAcked = runAndKill(policy, next, killAfter);
            long window = policy == FsyncPolicy.ALWAYS ? 0 : options(policy).batchSyncOps() - 1;
            long present = verify(lastAcked, window, seed, round);
            next = present + 1;
        }
    }

    /** Starts the writer at batch {@code first}, kills it after {@code killAfter} acks; returns the last ack. */
    private long runAndKill(FsyncPolicy policy, long first, int killAfter) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
            CrashWriter.class.getName(), dir.toString(), policy.name(), Long.toString(first))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        long lastAcked = first - 1;
        int acks = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acks < killAfter && (line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    lastAcked = Long.parseLong(line.substring(4));
                    acks++;
                }
            }
            child.toHandle().destroyForcibly(); // SIGKILL, leaving the pipe readable (Process.destroy closes it)
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child stopped").isTrue();
            // the child went on writing until the signal landed: its acks are still in the pipe
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    lastAcked = Long.parseLong(line.substring(4));
                }
            }
        }
        assertThat(acks).as("child acknowledged writes before the kill (exit %s)", child.exitValue())
            .isEqualTo(killAfter);
        return lastAcked;
    }

    /** Checks the recovered store; returns the last batch present. */
    private long verify(long lastAcked, long window, long seed, int round) {
        try (KvStore store = KvStore.open(dir, options(FsyncPolicy.ALWAYS))) {
            List<KeyValue> all = store.scan(ScanRange.all());
            assertThat(all.size() % 3).as("batches are all-or-nothing (seed %d round %d)", seed, round).isZero();
            List<String> problems = new ArrayList<>();
            for (int n = 0; n < all.size(); n++) {
                long i = n / 3;
                String suffix = new String[] {"a", "b", "c"}[n % 3];
                Bytes key = CrashWriter.key(i, suffix);
                if (!all.get(n).key().equals(key) || !all.get(n).value().equals(CrashWriter.value(i, suffix))) {
                    problems.add("entry " + n + " is " + all.get(n) + ", expected batch " + i + suffix);
                    break;
                }
            }
            assertThat(problems).as("gap-free prefix of batches (seed %d round %d)", seed, round).isEmpty();
            long present = all.size() / 3 - 1;
            assertThat(present).as("acknowledged batches present but for the %d-batch window (seed %d round %d)",
                    window, seed, round)
                .isGreaterThanOrEqualTo(lastAcked - window)
                .isLessThanOrEqualTo(lastAcked + 1);
            return present;
        }
    }
}
