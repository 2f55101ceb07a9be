package io.concordkv.cli.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.concordkv.client.EndpointStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code concordkv cluster status}: asks every member (of {@code cluster.json}, or of
 * {@code --endpoints}) at once for etcd's Status and its key count, and prints one row each. Exits
 * 0 when every member is up, 1 otherwise.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Status of each member: name, pid, endpoint, up/down, role, raft term, raft (commit) index,",
        "applied index, db size in bytes, keys. Exits 1 if a member is not up."})
final class StatusCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** Which members: those of a local cluster, or given endpoints. */
    static final class Target {
        @Option(names = "--dir", description = "the local cluster's directory")
        Path dir;

        @Option(names = "--endpoints", split = ",", description = "comma-separated host:port list of any cluster")
        List<String> endpoints;
    }

    @Option(names = {"-w", "--write-out"}, defaultValue = "simple",
        description = "simple (a table) or json (an array of objects) (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--command-timeout", defaultValue = "2s",
        description = "how long each member may take to answer (default: ${DEFAULT-VALUE})")
    Duration commandTimeout;

    @Override
    public Integer call() throws JsonProcessingException {
        List<MemberRow> rows = target.dir != null ? fromState(ClusterState.require(target.dir)) : fromEndpoints();
        PrintWriter out = spec.commandLine().getOut();
        if (format.equalsIgnoreCase("json")) {
            out.println(JSON.writeValueAsString(rows));
        } else {
            TextTable table = new TextTable("NAME", "PID", "ENDPOINT", "STATE", "ROLE", "TERM", "INDEX", "APPLIED",
                "DB-BYTES", "KEYS");
            for (MemberRow r : rows) {
                boolean up = r.up();
                table.row(r.name(), r.pid() == 0 ? null : r.pid(), r.endpoint(), r.state(), r.role(),
                    up ? r.raftTerm() : null, up ? r.raftIndex() : null, up ? r.raftAppliedIndex() : null,
                    up ? r.dbSize() : null, r.keys());
            }
            table.print(out);
        }
        return rows.stream().allMatch(MemberRow::up) ? 0 : 1;
    }

    private List<MemberRow> fromState(ClusterState state) {
        List<MemberState> members = state.members();
        return ask(members.stream().map(MemberState::clientEndpoint).toList(), (i, status, keys) -> {
            MemberState m = members.get(i);
            return MemberRow.of(m.name(), m.pid(), m.clientEndpoint(), MemberProcesses.running(m).isPresent(),
                status, keys);
        });
    }

    private List<MemberRow> fromEndpoints() {
        Map<Long, String> names = new HashMap<>();
        return ask(target.endpoints, (i, status, keys) -> {
            if (status.isPresent() && !names.containsKey(status.get().memberId())) {
                names.putAll(memberNames(target.endpoints.get(i)));
            }
            String name = status.map(s -> names.getOrDefault(s.memberId(), "-")).orElse("-");
            return MemberRow.of(name, 0, target.endpoints.get(i), false, status, keys);
        });
    }

    /** Member names by id, as the member at {@code endpoint} lists them (empty if it cannot). */
    private Map<Long, String> memberNames(String endpoint) {
        Map<Long, String> names = new HashMap<>();
        try (MemberProbe probe = new MemberProbe(endpoint, commandTimeout)) {
            MemberProbe.result(probe.members()).orElse(List.of()).forEach(m -> names.put(m.id(), m.name()));
        }
        return names;
    }

    /** Builds a row from the i-th endpoint's answers. */
    private interface RowMaker {
        MemberRow row(int index, Optional<EndpointStatus> status, Optional<Long> keys);
    }

    /** Asks every endpoint at once; a row per endpoint, in order. */
    private List<MemberRow> ask(List<String> endpoints, RowMaker maker) {
        List<MemberProbe> probes = endpoints.stream().map(e -> new MemberProbe(e, commandTimeout)).toList();
        try {
            List<CompletableFuture<EndpointStatus>> statuses = probes.stream().map(MemberProbe::status).toList();
            List<CompletableFuture<Long>> keys = probes.stream().map(MemberProbe::keys).toList();
            List<MemberRow> rows = new ArrayList<>();
            for (int i = 0; i < probes.size(); i++) {
                rows.add(maker.row(i, MemberProbe.result(statuses.get(i)), MemberProbe.result(keys.get(i))));
            }
            return rows;
        } finally {
            probes.forEach(MemberProbe::close);
        }
    }
}
