package io.concordkv.cli;

import io.concordkv.api.KvException;
import io.concordkv.cli.cluster.ClusterCommand;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code concordkv} command. */
@Command(name = "concordkv",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "ConcordKV: a distributed, strongly consistent, transactional key-value store.",
    subcommands = {ServerCommand.class, LocalCommand.class, BenchCommand.class, EnginesCommand.class,
        KvCommands.Put.class, KvCommands.Get.class, KvCommands.Range.class, KvCommands.Del.class,
        TxnCommands.Conditional.class, WatchCommand.class, LeaseCommands.class, ClusterCommands.MemberCommand.class,
        ClusterCommands.Status.class, ClusterCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    private final InputStream in;

    private Main(InputStream in) {
        this.in = in;
    }

    /** The standard input of this run (commands that read it: {@code txn}, {@code txn begin}). */
    InputStream in() {
        return in;
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(System.in, out, err, args));
    }

    /** Runs the command line writing to {@code out} and {@code err}; returns the exit status (0 on success). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(System.in, out, err, args);
    }

    /**
     * Runs the command line reading standard input from {@code in}, writing to {@code out} and
     * {@code err}; returns the exit status (0 on success; 2 for a {@link KvException}, reported as
     * {@code Error: <CODE>: <message>} on {@code err}).
     */
    public static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main(in)).setOut(out).setErr(err)
            .setCaseInsensitiveEnumValuesAllowed(true)
            .registerConverter(Duration.class, new ClientOptions.DurationConverter());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof KvException kv) {
                commandLine.getErr().println("Error: " + kv.code() + ": " + kv.getMessage());
                return 2;
            }
            throw e;
        });
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
