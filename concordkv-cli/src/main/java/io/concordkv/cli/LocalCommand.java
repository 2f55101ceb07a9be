package io.concordkv.cli;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.StoreOptions;
import io.concordkv.storage.fs.FileIo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code concordkv local}: an offline tool on a store's data directory, like RocksDB's
 * {@code ldb}. The subcommands are in {@link LocalCommands}.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = {"Work on a data directory directly, with no server (the directory must not be in use).",
        "Keys and values are UTF-8 text, or hexadecimal with --hex."},
    subcommands = {LocalCommands.Put.class, LocalCommands.Get.class, LocalCommands.Delete.class,
        LocalCommands.Scan.class, LocalCommands.Stats.class, LocalCommands.Check.class,
        LocalCommands.Compact.class, LocalCommands.Snapshot.class})
final class LocalCommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", required = true, scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "the store's data directory")
    Path dataDir;

    @Option(names = "--engine", scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "engine for a new store (default: the one recorded in the directory, else rbtree)")
    String engine;

    @Option(names = "--hex", scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "keys and values are hexadecimal, in and out")
    boolean hex;

    @Option(names = "--salvage", scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "open a corrupt store by keeping the valid prefix of its log")
    boolean salvage;

    /** Opens the store durably: every change the tool makes is synced before it returns. */
    KvStore open() {
        String chosen = engine != null ? engine
            : KvStore.recordedEngine(dataDir, FileIo.disk()).orElse("rbtree");
        return KvStore.open(dataDir, StoreOptions.defaults(chosen).withFsync(FsyncPolicy.ALWAYS).withSalvage(salvage));
    }

    Bytes decode(String text) {
        if (!hex) {
            return Bytes.utf8(text);
        }
        try {
            return Bytes.wrap(HexFormat.of().parseHex(text));
        } catch (IllegalArgumentException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "not hexadecimal: " + text);
        }
    }

    String encode(Bytes bytes) {
        return hex ? bytes.toHex() : escape(bytes);
    }

    /** UTF-8 text with control bytes and invalid sequences shown as \xNN. */
    static String escape(Bytes bytes) {
        StringBuilder out = new StringBuilder();
        String text = bytes.toUtf8();
        if (Bytes.utf8(text).equals(bytes)) {
            for (char c : text.toCharArray()) {
                if (c < 0x20 || c == 0x7F || c == '\\') {
                    out.append(String.format("\\x%02x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        for (int i = 0; i < bytes.length(); i++) {
            int b = bytes.byteAt(i);
            out.append(b >= 0x20 && b < 0x7F && b != '\\' ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return out.toString();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Runs {@code action} on the opened store and closes it. */
    int withStore(Function<KvStore, Integer> action) {
        try (KvStore store = open()) {
            return action.apply(store);
        }
    }
}
