package io.concordkv.cli.cluster;

import picocli.CommandLine.Command;

/**
 * {@code concordkv cluster}: runs a local cluster, each member its own {@code concordkv server}
 * process on 127.0.0.1, its state in {@code DIR/cluster.json}; for development and fault tests.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"A local cluster: members as separate server processes on 127.0.0.1, recorded in DIR/cluster.json.",
        "start, then status, kill/restart-member for fault tests, and stop."},
    subcommands = {StartCommand.class, StopCommand.class, StatusCommand.class, MemberCommands.RestartMember.class,
        MemberCommands.Kill.class, ClusterBenchCommands.Failover.class, ClusterBenchCommands.Catchup.class})
public final class ClusterCommand {
}
