package io.concordkv.cli;

import io.concordkv.api.Bytes;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The key arguments of {@code get} and {@code del}: KEY [RANGE_END], or --prefix, or --from-key. */
final class KeyRangeArgs {
    @Parameters(index = "0", description = "key")
    String key;
    @Parameters(index = "1", arity = "0..1", description = "range end (exclusive)")
    String end;
    @Option(names = "--prefix", description = "every key with the prefix KEY")
    boolean prefix;
    @Option(names = "--from-key", description = "every key >= KEY")
    boolean fromKey;

    Bytes key() {
        return Bytes.utf8(key);
    }

    Bytes rangeEnd() {
        return KvCommands.rangeEnd(key(), end, prefix, fromKey);
    }
}
