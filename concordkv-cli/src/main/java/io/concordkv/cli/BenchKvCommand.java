package io.concordkv.cli;

import io.concordkv.bench.kv.KvLoad;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code concordkv bench kv}: the etcd-API load generator against ConcordKV or a real etcd. */
@Command(name = "kv", mixinStandardHelpOptions = true,
    description = {"Load a server over the etcd v3 API (ConcordKV or etcd, the same client code) and print one "
        + "JSON line: target, op, clients, total, errors, ops_per_sec, p50_ms, p90_ms, p99_ms."})
final class BenchKvCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", defaultValue = "concordkv", description = "label for the server: concordkv or etcd")
    String target;

    @Option(names = "--endpoints", defaultValue = "127.0.0.1:2379", description = "comma-separated host:port list")
    String endpoints;

    @Option(names = "--clients", defaultValue = "1", description = "concurrent clients, each with one request in flight")
    int clients;

    @Option(names = "--conns", defaultValue = "1", description = "gRPC connections the clients share")
    int conns;

    @Option(names = "--op", defaultValue = "put", description = "put or range")
    String op;

    @Option(names = "--consistency", defaultValue = "l", description = "range reads: l (linearizable) or s (serializable)")
    String consistency;

    @Option(names = "--total", defaultValue = "10000", description = "requests in all")
    long total;

    @Option(names = "--warmup", defaultValue = "0",
        description = "requests sent first by the same clients over the same connections and not recorded")
    long warmup;

    @Option(names = "--key-size", defaultValue = "8", description = "key bytes")
    int keySize;

    @Option(names = "--value-size", defaultValue = "256", description = "value bytes")
    int valueSize;

    @Option(names = "--key-space", defaultValue = "1000", description = "distinct keys (ranges write them all first)")
    int keySpace;

    @Option(names = "--max-seconds", defaultValue = "60", description = "stop after this long even if --total is not reached")
    int maxSeconds;

    @Option(names = "--seed", defaultValue = "42", description = "random seed")
    long seed;

    @Option(names = "--driver", defaultValue = "h2",
        description = "gRPC client: h2 (the generator's lean HTTP/2 client) or grpc-java")
    String driver;

    @Override
    public Integer call() throws Exception {
        if (!op.equals("put") && !op.equals("range") || !consistency.matches("[ls]") || clients < 1 || clients > 100_000
            || conns < 1 || conns > 1_000 || total < 1 || warmup < 0 || keySize < 1 || valueSize < 0 || keySpace < 1
            || maxSeconds < 1 || maxSeconds > 3600 || !KvLoad.DRIVERS.contains(driver)) {
            throw new ParameterException(spec.commandLine(), "need --op put|range, --consistency l|s, --clients 1..100000, "
                + "--conns 1..1000, --total >= 1, --warmup >= 0, --key-size >= 1, --key-space >= 1, --max-seconds 1..3600, --driver h2|grpc-java");
        }
        // the generator shares the machine with the servers it measures: no sampled buffer tracking
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        KvLoad.Config config = new KvLoad.Config(target, Arrays.asList(endpoints.split(",")), clients, conns, op,
            consistency.equals("l"), total, warmup, keySize, valueSize, keySpace, Duration.ofSeconds(maxSeconds), seed, driver);
        BenchStoreCommands.print(spec, KvLoad.run(config));
        return 0;
    }
}
