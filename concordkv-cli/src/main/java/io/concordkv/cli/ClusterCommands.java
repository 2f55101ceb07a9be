package io.concordkv.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.concordkv.client.ConcordClient;
import io.concordkv.client.Endpoint;
import io.concordkv.client.EndpointStatus;
import io.concordkv.client.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code concordkv member list} and {@code concordkv status}, in etcdctl's formats. */
final class ClusterCommands {
    private ClusterCommands() {
    }

    @Command(name = "member", mixinStandardHelpOptions = true, description = "Membership commands.",
        subcommands = MemberList.class)
    static final class MemberCommand {
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the members: ID, started, name, peer URLs, client URLs, is learner.")
    static final class MemberList implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            try (ConcordClient client = options.connect()) {
                List<Member> members = client.cluster().memberList();
                if (options.json()) {
                    ObjectNode o = EtcdFormat.header(0);
                    ArrayNode a = o.putArray("members");
                    for (Member m : members) {
                        ObjectNode j = a.addObject().put("ID", m.id()).put("name", m.name());
                        m.peerUrls().forEach(j.putArray("peerURLs")::add);
                        m.clientUrls().forEach(j.putArray("clientURLs")::add);
                        if (m.learner()) {
                            j.put("isLearner", true);
                        }
                    }
                    EtcdFormat.printJson(options.out(), o);
                } else {
                    members.forEach(m -> options.out().println(line(m)));
                }
            }
            return 0;
        }

        static String line(Member m) {
            return String.join(", ", Long.toHexString(m.id()), m.name().isEmpty() ? "unstarted" : "started", m.name(),
                String.join(",", m.peerUrls()), String.join(",", m.clientUrls()), Boolean.toString(m.learner()));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Status of each endpoint: endpoint, ID, version, db size, is leader, raft term, raft index.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            List<EndpointStatus> statuses = new ArrayList<>();
            try (ConcordClient client = options.connect()) {
                for (String e : options.endpoints) {
                    statuses.add(client.cluster().status(Endpoint.parse(e)));
                }
            }
            if (options.json()) {
                ArrayNode a = EtcdFormat.JSON.createArrayNode();
                statuses.forEach(s -> a.add(json(s)));
                options.out().println(a);
            } else {
                statuses.forEach(s -> options.out().println(line(s)));
            }
            return 0;
        }

        static String line(EndpointStatus s) {
            return String.join(", ", s.endpoint().toString(), Long.toHexString(s.memberId()), s.version(),
                EtcdFormat.humanBytes(s.dbSize()), Boolean.toString(s.leader() == s.memberId()),
                Long.toString(s.raftTerm()), Long.toString(s.raftIndex()));
        }

        static ObjectNode json(EndpointStatus s) {
            ObjectNode o = EtcdFormat.JSON.createObjectNode().put("Endpoint", s.endpoint().toString());
            ObjectNode status = o.putObject("Status");
            status.putObject("header").put("member_id", s.memberId()).put("revision", s.revision())
                .put("raft_term", s.raftTerm());
            status.put("version", s.version()).put("dbSize", s.dbSize()).put("leader", s.leader())
                .put("raftIndex", s.raftIndex()).put("raftTerm", s.raftTerm());
            return o;
        }
    }
}
