package io.concordkv.cli.cluster;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operating-system side of local members: starting their JVMs, finding their processes again
 * from {@code cluster.json}, signalling them and waiting for them to exit. A recorded pid is only
 * ever signalled while its process still looks like that member: alive, started when recorded, and
 * its command line that of {@code concordkv server} with the member's name and data directory.
 * Stateless; any thread.
 */
final class MemberProcesses {
    /** Signals {@code cluster kill} sends. */
    enum Signal { KILL, TERM, STOP, CONT }

    private static final long START_TIME_SLACK_MILLIS = 1000;
    private static final int TAIL_BYTES = 64 * 1024;

    /**
     * The members' G1 settings; a {@code --jvm-opt} given later on the command line overrides each.
     * <ul>
     *   <li>A pause goal well under the 150–300 ms election timeout: with G1's default (200 ms),
     *       young pauses of members under load reached 200 ms, long enough for the others to elect
     *       a new leader.</li>
     *   <li>Objects that survive one young collection go straight to the old generation
     *       ({@code MaxTenuringThreshold=0}) and the young generation stays at 256 MiB. What a
     *       member keeps of a write (the value and its version, the Raft entry until the next
     *       snapshot) lives long, and G1 copied it between survivor spaces up to 15 times. After a
     *       read phase G1 had also grown the young generation past 1 GB, and the first collections
     *       of the next write phase paused 250–550 ms. In a 3-member cluster on 2 cores
     *       (puts at 1,000 clients after reads, three rounds each), the members' young pauses
     *       during a put cell summed to 1.5–1.7 s with the defaults and 0.8–1.0 s with these, and
     *       puts ran at 22–24k/s against 26–36k/s.</li>
     * </ul>
     */
    static final List<String> GC_OPTIONS = List.of("-XX:MaxGCPauseMillis=50", "-XX:MaxTenuringThreshold=0",
        "-Xmn256m");

    private MemberProcesses() {
    }

    /**
     * Java, with the members' GC settings and then {@code jvmOptions}, running {@code mainClass} on
     * this JVM's classpath: the command line before {@code server} of every member.
     */
    static List<String> launcher(List<String> jvmOptions, String mainClass) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(GC_OPTIONS);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return command;
    }

    /**
     * Starts {@code member}'s command in the background, its standard output and error appended to
     * its out file, no standard input. The process outlives this JVM.
     */
    static Process start(MemberState member) {
        try {
            Files.createDirectories(member.out().getParent());
            Process p = new ProcessBuilder(member.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(member.out().toFile())).start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + member.name() + ": " + member.command().get(0), e);
        }
    }

    /** When {@code process} started, epoch milliseconds, or 0 if the platform does not say. */
    static long startedAt(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** The process of {@code member}, if it is running (see the class comment for what counts). */
    static Optional<ProcessHandle> running(MemberState member) {
        return member.pid() <= 0 ? Optional.empty()
            : ProcessHandle.of(member.pid()).filter(ProcessHandle::isAlive).filter(p -> isMember(p, member));
    }

    /** Whether a process has the member's pid but is something else (the pid was reused). */
    static boolean pidReused(MemberState member) {
        return member.pid() > 0 && ProcessHandle.of(member.pid()).filter(ProcessHandle::isAlive)
            .filter(p -> !isMember(p, member)).isPresent();
    }

    static boolean isMember(ProcessHandle process, MemberState member) {
        long started = startedAt(process);
        if (member.startedAt() != 0 && started != 0
            && Math.abs(started - member.startedAt()) > START_TIME_SLACK_MILLIS) {
            return false;
        }
        List<String> args = arguments(process);
        return args.contains("server") && args.contains(member.name()) && args.contains(member.dataDir());
    }

    /**
     * The command line of {@code process}, java first: from {@code /proc/PID/cmdline} where there is
     * one ({@link ProcessHandle.Info} cuts a long command line, such as one with our classpath, off
     * at 4 KiB), else from {@link ProcessHandle.Info}; empty if neither says.
     */
    static List<String> arguments(ProcessHandle process) {
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(cmdline)) {
                String all = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
                return List.of(all.split("\0"));
            }
        } catch (IOException e) {
            return List.of();
        }
        ProcessHandle.Info info = process.info();
        List<String> args = new ArrayList<>();
        info.command().ifPresent(args::add);
        info.arguments().ifPresent(a -> args.addAll(List.of(a)));
        return args;
    }

    /** Sends {@code signal}: KILL and TERM through {@link ProcessHandle}, STOP and CONT with {@code kill -s}. */
    static void signal(ProcessHandle process, Signal signal) {
        switch (signal) {
            case KILL -> process.destroyForcibly();
            case TERM -> process.destroy();
            case STOP, CONT -> runKill(process.pid(), signal);
            default -> throw new IllegalArgumentException(signal.name());
        }
    }

    private static void runKill(long pid, Signal signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal.name(), Long.toString(pid))
                .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new KvException(ErrorCode.INTERNAL, "kill -s " + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new KvException(ErrorCode.UNSUPPORTED, "cannot run kill to send SIG" + signal + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvException(ErrorCode.INTERNAL, "interrupted sending SIG" + signal);
        }
    }

    /** Waits up to {@code timeout} for {@code process} to exit; whether it did. */
    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Stops {@code process}: SIGTERM, then after {@code grace} SIGKILL; whether it needed the SIGKILL. */
    static boolean stop(ProcessHandle process, Duration grace) {
        process.destroy();
        if (awaitExit(process, grace)) {
            return false;
        }
        process.destroyForcibly();
        awaitExit(process, grace);
        return true;
    }

    /** The last {@code lines} lines of {@code file} (read from its last 64 KiB); empty if there is no file. */
    static List<String> tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, f.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            all = from > 0 && !all.isEmpty() ? all.subList(1, all.size()) : all;
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }
}
