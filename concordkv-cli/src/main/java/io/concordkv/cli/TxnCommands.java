package io.concordkv.cli;

import io.concordkv.api.Bytes;
import io.concordkv.api.KvException;
import io.concordkv.client.ConcordClient;
import io.concordkv.client.GetResult;
import io.concordkv.client.InteractiveTxn;
import io.concordkv.client.KeyValue;
import io.concordkv.client.Txn;
import io.concordkv.client.TxnResult;
import io.concordkv.client.TxnSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code concordkv txn} (etcdctl's conditional transaction from stdin) and {@code txn begin}. */
final class TxnCommands {
    private TxnCommands() {
    }

    static BufferedReader stdin(ClientOptions options) {
        return new BufferedReader(new InputStreamReader(options.in(), StandardCharsets.UTF_8));
    }

    @Command(name = "txn", mixinStandardHelpOptions = true, subcommands = Begin.class,
        description = {"Run a conditional transaction read from stdin, in etcdctl's format: compares, a blank line, "
            + "success operations, a blank line, failure operations. Prints SUCCESS or FAILURE, then each "
            + "operation's result.",
            "Compares: value(\"k\") = \"v\", version(\"k\") > \"1\", create(\"k\") = \"0\", mod(\"k\") < \"5\". "
                + "Operations: put k v, get k [end], del k [end]."})
    static final class Conditional implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            List<String> lines = stdin(options).lines().toList();
            Txn txn = TxnScript.parse(lines);
            try (ConcordClient client = options.connect()) {
                TxnResult r = client.kv().txn(txn);
                if (options.json()) {
                    EtcdFormat.printJson(options.out(), EtcdFormat.txn(r));
                } else {
                    EtcdFormat.printTxn(options.out(), r);
                }
            }
            return 0;
        }
    }

    @Command(name = "begin", mixinStandardHelpOptions = true,
        description = {"Run an interactive transaction, one command per line from stdin: get K, getforupdate K, "
            + "range START END [LIMIT], put K V, del K, commit, rollback. Ends at commit, rollback or end of "
            + "input (which rolls back). A malformed line is reported and skipped; a server error ends the "
            + "transaction (rolled back) with a non-zero exit."})
    static final class Begin implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--isolation", defaultValue = "SERIALIZABLE",
            description = "READ_COMMITTED, REPEATABLE_READ or SERIALIZABLE (default: ${DEFAULT-VALUE})")
        TxnSpec.Isolation isolation;
        @Option(names = "--mode", defaultValue = "OPTIMISTIC",
            description = "OPTIMISTIC or PESSIMISTIC (default: ${DEFAULT-VALUE})")
        TxnSpec.Mode mode;
        @Option(names = "--read-only", description = "refuse writes")
        boolean readOnly;
        @Option(names = "--idle-timeout", converter = ClientOptions.DurationConverter.class, defaultValue = "0",
            description = "rolled back after this long without a command (0 = server default, 5s)")
        Duration idleTimeout;

        @Override
        public Integer call() throws IOException {
            TxnSpec spec = TxnSpec.of(isolation, mode).withIdleTimeout(idleTimeout);
            spec = readOnly ? spec.asReadOnly() : spec;
            BufferedReader in = stdin(options);
            try (ConcordClient client = options.connect();
                 InteractiveTxn txn = client.transactions().begin(spec)) {
                options.out().println("BEGIN " + txn.id() + " at revision " + txn.startRevision());
                for (String line = in.readLine(); line != null && txn.isOpen(); line = in.readLine()) {
                    if (!line.isBlank()) {
                        step(txn, line);
                    }
                }
                if (txn.isOpen()) {
                    txn.rollback();
                    options.out().println("ROLLBACK (end of input)");
                }
            }
            return 0;
        }

        private void step(InteractiveTxn txn, String line) {
            List<String> w;
            try {
                w = TxnScript.words(line);
            } catch (KvException e) {
                options.err().println("Error: " + e.getMessage());
                return;
            }
            try {
                dispatch(txn, line, w);
            } catch (NumberFormatException e) {
                options.err().println("Error: not a number in '" + line.trim() + "'");
            }
        }

        private void dispatch(InteractiveTxn txn, String line, List<String> w) {
            String verb = w.get(0).toLowerCase(Locale.ROOT);
            int n = w.size();
            if ((verb.equals("get") || verb.equals("getforupdate")) && n == 2) {
                Bytes key = Bytes.utf8(w.get(1));
                print(verb.equals("get") ? txn.get(key) : txn.getForUpdate(key), txn.startRevision());
            } else if (verb.equals("range") && (n == 3 || n == 4)) {
                InteractiveTxn.RangeResult r = txn.range(Bytes.utf8(w.get(1)), Bytes.utf8(w.get(2)),
                    n == 4 ? Long.parseLong(w.get(3)) : 0);
                printRows(r.kvs(), r.more(), txn.startRevision());
            } else if (verb.equals("put") && n == 3) {
                txn.put(Bytes.utf8(w.get(1)), Bytes.utf8(w.get(2)));
                options.out().println("OK");
            } else if ((verb.equals("del") || verb.equals("delete")) && n == 2) {
                txn.delete(Bytes.utf8(w.get(1)));
                options.out().println("OK");
            } else if (verb.equals("commit") && n == 1) {
                options.out().println("COMMIT at revision " + txn.commit());
            } else if (verb.equals("rollback") && n == 1) {
                txn.rollback();
                options.out().println("ROLLBACK");
            } else {
                options.err().println("Error: unknown command '" + line.trim() + "' (get K, getforupdate K, "
                    + "range START END [LIMIT], put K V, del K, commit, rollback)");
            }
        }

        private void print(Optional<KeyValue> kv, long revision) {
            printRows(kv.stream().toList(), false, revision);
        }

        private void printRows(List<KeyValue> kvs, boolean more, long revision) {
            GetResult r = new GetResult(revision, kvs, kvs.size(), more);
            if (options.json()) {
                EtcdFormat.printJson(options.out(), EtcdFormat.get(r));
            } else {
                EtcdFormat.printGet(options.out(), r, EtcdFormat.GetStyle.FULL);
            }
        }
    }
}
