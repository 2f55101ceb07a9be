package io.concordkv.cli;

import picocli.CommandLine.Command;

/** Groups the benchmark commands. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure ConcordKV.",
    subcommands = {BenchEngineCommand.class, BenchJmhCommand.class, BenchStoreCommands.Store.class,
        BenchStoreCommands.Recovery.class, BenchStoreCommands.Compaction.class, BenchTxnCommands.Bank.class,
        BenchTxnCommands.Txn.class, BenchTxnCommands.Deadlock.class, BenchTxnCommands.Footprint.class,
        BenchKvCommand.class})
final class BenchCommand {
}
