package io.concordkv.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.concordkv.bench.BenchTargets;
import io.concordkv.bench.EngineLoad;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code concordkv bench engine}: a quick in-process load on one engine or baseline. */
@Command(name = "engine", mixinStandardHelpOptions = true,
    description = {"Run a quick in-process load on one engine and print one JSON line per operation",
        "(put, get, get_miss and, for ordered engines, scan100). Keys are 16 bytes, values 100 bytes.",
        "For careful figures use 'bench jmh'."})
final class BenchEngineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--engine", defaultValue = "hash",
        description = "engine or baseline: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
        completionCandidates = TargetNames.class)
    String engine;

    @Option(names = "--keys", defaultValue = "100000", description = "keys loaded before measuring (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--threads", defaultValue = "1", description = "threads per operation (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--seconds", defaultValue = "3", description = "seconds per operation (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws InterruptedException, JsonProcessingException {
        if (!BenchTargets.names().contains(engine)) {
            throw new ParameterException(spec.commandLine(),
                "unknown engine '" + engine + "'; choose one of " + BenchTargets.names());
        }
        if (keys < 1 || threads < 1 || threads > 256 || seconds <= 0 || seconds > 3600) {
            throw new ParameterException(spec.commandLine(),
                "need --keys >= 1, --threads 1..256 and --seconds in (0, 3600]");
        }
        EngineLoad load = new EngineLoad(engine, keys, threads, Duration.ofMillis(Math.round(seconds * 1000)), seed);
        ObjectMapper json = new ObjectMapper();
        for (Map<String, Object> row : load.run()) {
            spec.commandLine().getOut().println(json.writeValueAsString(row));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    /** Completion candidates for {@code --engine}. */
    static final class TargetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return BenchTargets.names().iterator();
        }
    }
}
