package io.concordkv.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.ConcordClient;
import io.concordkv.client.KeepAlive;
import io.concordkv.client.LeaseGrant;
import io.concordkv.client.LeaseTimeToLive;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code concordkv lease grant|revoke|timetolive|list|keep-alive}, with etcdctl's output texts. */
@Command(name = "lease", mixinStandardHelpOptions = true, description = "Lease commands.",
    subcommands = {LeaseCommands.Grant.class, LeaseCommands.Revoke.class, LeaseCommands.TimeToLive.class,
        LeaseCommands.ListLeases.class, LeaseCommands.KeepAliveCommand.class})
final class LeaseCommands {

    private static ObjectNode lease(long id, long ttl) {
        ObjectNode o = EtcdFormat.header(0);
        o.put("ID", id);
        o.put("TTL", ttl);
        return o;
    }

    @Command(name = "grant", mixinStandardHelpOptions = true, description = "Grant a lease of TTL seconds.")
    static final class Grant implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "TTL in seconds")
        long ttl;

        @Override
        public Integer call() {
            try (ConcordClient client = options.connect()) {
                LeaseGrant g = client.leases().grant(ttl);
                if (options.json()) {
                    EtcdFormat.printJson(options.out(), lease(g.id(), g.ttlSeconds()));
                } else {
                    options.out().printf("lease %s granted with TTL(%ds)%n", EtcdFormat.leaseId(g.id()), g.ttlSeconds());
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a lease (and delete its keys).")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "lease ID (hex)")
        String id;

        @Override
        public Integer call() {
            long lease = KvCommands.hex(id);
            try (ConcordClient client = options.connect()) {
                client.leases().revoke(lease);
                if (options.json()) {
                    EtcdFormat.printJson(options.out(), EtcdFormat.header(0));
                } else {
                    options.out().printf("lease %s revoked%n", EtcdFormat.leaseId(lease));
                }
            }
            return 0;
        }
    }

    @Command(name = "timetolive", mixinStandardHelpOptions = true, description = "Print a lease's remaining TTL.")
    static final class TimeToLive implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "lease ID (hex)")
        String id;
        @Option(names = "--keys", description = "also print the keys attached to the lease")
        boolean keys;

        @Override
        public Integer call() {
            long lease = KvCommands.hex(id);
            try (ConcordClient client = options.connect()) {
                LeaseTimeToLive t = client.leases().timeToLive(lease, keys);
                if (options.json()) {
                    ObjectNode o = lease(t.id(), t.ttlSeconds());
                    o.put("grantedTTL", t.grantedTtlSeconds());
                    ArrayNode a = o.putArray("keys");
                    t.keys().forEach(k -> a.add(EtcdFormat.base64(k)));
                    EtcdFormat.printJson(options.out(), o);
                } else {
                    options.out().println(text(t));
                }
            }
            return 0;
        }

        private String text(LeaseTimeToLive t) {
            if (!t.alive()) {
                return "lease " + EtcdFormat.leaseId(t.id()) + " already expired";
            }
            String s = String.format("lease %s granted with TTL(%ds), remaining(%ds)", EtcdFormat.leaseId(t.id()),
                t.grantedTtlSeconds(), t.ttlSeconds());
            if (keys) {
                s += ", attached keys(" + t.keys().stream().map(Bytes::toUtf8).toList().toString().replace(",", "")
                    + ")";
            }
            return s;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the live leases.")
    static final class ListLeases implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            try (ConcordClient client = options.connect()) {
                List<Long> ids = client.leases().list();
                if (options.json()) {
                    ObjectNode o = EtcdFormat.header(0);
                    ArrayNode a = o.putArray("leases");
                    ids.forEach(id -> a.addObject().put("ID", id));
                    EtcdFormat.printJson(options.out(), o);
                } else {
                    options.out().printf("found %d leases%n", ids.size());
                    ids.forEach(id -> options.out().println(EtcdFormat.leaseId(id)));
                }
            }
            return 0;
        }
    }

    @Command(name = "keep-alive", mixinStandardHelpOptions = true,
        description = "Keep a lease alive (refreshing at TTL/3) until interrupted or it expires; --once refreshes once.")
    static final class KeepAliveCommand implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "lease ID (hex)")
        String id;
        @Option(names = "--once", description = "refresh once and exit")
        boolean once;

        @Override
        public Integer call() {
            long lease = KvCommands.hex(id);
            try (ConcordClient client = options.connect()) {
                if (once) {
                    print(lease, client.leases().keepAliveOnce(lease));
                    return 0;
                }
                try (KeepAlive keepAlive = client.leases().keepAlive(lease)) {
                    print(lease, client.leases().timeToLive(lease, false).ttlSeconds());
                    keepAlive.done().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof KvException kv && kv.code() != ErrorCode.NOT_FOUND) {
                        throw kv;
                    }
                }
                options.out().printf("lease %s expired or revoked.%n", EtcdFormat.leaseId(lease));
            }
            return 0;
        }

        private void print(long lease, long ttl) {
            if (options.json()) {
                EtcdFormat.printJson(options.out(), lease(lease, ttl));
            } else {
                options.out().printf("lease %s keepalived with TTL(%d)%n", EtcdFormat.leaseId(lease), ttl);
            }
            options.out().flush();
        }
    }
}
