package io.concordkv.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code concordkv bench jmh [JMH options]}: runs the JMH benchmarks with JMH's own options. */
@Command(name = "jmh",
    description = {"Run the JMH benchmarks (io.concordkv.bench.jmh). Arguments go to JMH unchanged,",
        "e.g. 'bench jmh EngineBenchmark.get -p target=hash -p keys=100000 -t 2'; 'bench jmh -h' for JMH's help."})
final class BenchJmhCommand implements Callable<Integer> {
    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
        return 0;
    }
}
