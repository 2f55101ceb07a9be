package io.concordkv.cli;

import io.concordkv.api.KvException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code concordkv} command. */
@Command(name = "concordkv",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "ConcordKV: a distributed, strongly consistent, transactional key-value store.",
    subcommands = {ServerCommand.class, LocalCommand.class, BenchCommand.class, EnginesCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /** Runs the command line writing to {@code out} and {@code err}; returns the exit status (0 on success). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof KvException kv) {
                commandLine.getErr().println("error: " + kv.code() + ": " + kv.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
