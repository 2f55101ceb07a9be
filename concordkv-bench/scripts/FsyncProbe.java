import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast this disk fsyncs right now: T threads each append 130 bytes to a file written ahead
 * with zeros (as the write-ahead log's active segment is) and fdatasync, for S seconds.
 * Run: java concordkv-bench/scripts/FsyncProbe.java [threads] [seconds] [file]
 * Prints syncs per second and the mean fdatasync time. The machine's disk speed drifts during the
 * day; BENCHMARKS.md quotes this probe next to the store's figures.
 */
public class FsyncProbe {
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path file = Path.of(args.length > 2 ? args[2] : "/var/tmp/concordkv-fsync-probe.dat");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < 64; i++) {
                zeros.clear();
                ch.write(zeros, (long) i << 20);
            }
            ch.force(true);
            AtomicLong offset = new AtomicLong();
            AtomicLong syncs = new AtomicLong();
            AtomicLong syncNanos = new AtomicLong();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            Thread[] all = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                all[t] = new Thread(() -> {
                    ByteBuffer record = ByteBuffer.allocate(130);
                    try {
                        while (System.nanoTime() < end && offset.get() < (63L << 20)) {
                            record.clear();
                            ch.write(record, offset.getAndAdd(130));
                            long t0 = System.nanoTime();
                            ch.force(false);
                            syncNanos.addAndGet(System.nanoTime() - t0);
                            syncs.incrementAndGet();
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                all[t].start();
            }
            for (Thread t : all) {
                t.join();
            }
            System.out.printf("{\"threads\":%d,\"syncs_per_sec\":%d,\"fsync_mean_us\":%.1f}%n", threads,
                syncs.get() / seconds, syncs.get() == 0 ? 0.0 : syncNanos.get() / 1000.0 / syncs.get());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
