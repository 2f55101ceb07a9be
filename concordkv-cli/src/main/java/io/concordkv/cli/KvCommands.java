package io.concordkv.cli;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.ConcordClient;
import io.concordkv.client.DeleteResult;
import io.concordkv.client.GetResult;
import io.concordkv.client.KeyValue;
import io.concordkv.client.Op;
import io.concordkv.client.PutResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code concordkv put}, {@code get}, {@code range} and {@code del}: etcdctl's key-value commands. */
final class KvCommands {
    private KvCommands() {
    }

    /** etcd's "every key from here on" range end. */
    static final Bytes FROM_KEY = Bytes.wrap(new byte[] {0});

    /** The range end of a key argument: explicit, a prefix, from the key on, or none (the key alone). */
    static Bytes rangeEnd(Bytes key, String end, boolean prefix, boolean fromKey) {
        if (prefix) {
            return Op.prefix(key).rangeEnd();
        } else if (fromKey) {
            return FROM_KEY;
        }
        return end == null ? Bytes.EMPTY : Bytes.utf8(end);
    }

    /** A hex id (leases), as etcdctl takes it. */
    static long hex(String id) {
        try {
            return Long.parseUnsignedLong(id, 16);
        } catch (NumberFormatException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "bad hex ID " + id);
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Put a key; prints OK.")
    static final class Put implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "key")
        String key;
        @Parameters(index = "1", description = "value")
        String value;
        @Option(names = "--lease", description = "lease ID (hex) to attach the key to")
        String lease;
        @Option(names = "--prev-kv", description = "print the previous key-value")
        boolean prevKv;

        @Override
        public Integer call() {
            Op.Put put = new Op.Put(Bytes.utf8(key), Bytes.utf8(value),
                lease == null ? 0 : hex(lease), prevKv, false);
            try (ConcordClient client = options.connect()) {
                PutResult r = client.kv().put(put);
                if (options.json()) {
                    EtcdFormat.printJson(options.out(), EtcdFormat.put(r));
                } else {
                    EtcdFormat.printPut(options.out(), r);
                }
            }
            return 0;
        }
    }

    /** Sort orders and targets of etcdctl's {@code get}; sorting is done by this command. */
    enum SortOrder { ASCEND, DESCEND }

    /** What {@code get --sort-by} sorts on. */
    enum SortTarget { KEY, VERSION, CREATE, MODIFY, VALUE }

    @Command(name = "get", mixinStandardHelpOptions = true,
        description = "Get a key or a range [KEY, RANGE_END); prints each key then its value.")
    static class Get implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Mixin
        KeyRangeArgs keys;
        @Option(names = "--limit", defaultValue = "0", description = "at most this many keys (0 = all)")
        long limit;
        @Option(names = "--rev", defaultValue = "0", description = "read at this revision (0 = latest)")
        long rev;
        @Option(names = "--keys-only", description = "print only the keys")
        boolean keysOnly;
        @Option(names = "--count-only", description = "print only the number of keys")
        boolean countOnly;
        @Option(names = "--print-value-only", description = "print only the values (simple output)")
        boolean valueOnly;
        @Option(names = "--order", description = "ASCEND or DESCEND")
        SortOrder order;
        @Option(names = "--sort-by", description = "KEY, VERSION, CREATE, MODIFY or VALUE")
        SortTarget sortBy;
        @Option(names = "--consistency", defaultValue = "l", description = "l (linearizable) or s (serializable)")
        String consistency;

        @Override
        public Integer call() {
            boolean sorting = order == SortOrder.DESCEND || sortBy != null && sortBy != SortTarget.KEY;
            Op.Get get = Op.range(keys.key(), keys.rangeEnd()).withLimit(sorting ? 0 : limit).atRevision(rev);
            get = keysOnly ? get.withKeysOnly() : get;
            get = countOnly ? get.withCountOnly() : get;
            get = consistency.equals("s") ? get.withSerializable() : get;
            try (ConcordClient client = options.connect()) {
                GetResult r = sorting ? sorted(client.kv().get(get)) : client.kv().get(get);
                if (options.json()) {
                    EtcdFormat.printJson(options.out(), EtcdFormat.get(r));
                } else {
                    EtcdFormat.printGet(options.out(), r, new EtcdFormat.GetStyle(keysOnly, valueOnly, countOnly));
                }
            }
            return 0;
        }

        /** Sorts the whole range here, then applies the limit (the server always returns key order). */
        private GetResult sorted(GetResult r) {
            Comparator<KeyValue> by = switch (sortBy == null ? SortTarget.KEY : sortBy) {
                case KEY -> Comparator.comparing(KeyValue::key);
                case VERSION -> Comparator.comparingLong(KeyValue::version);
                case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
                case MODIFY -> Comparator.comparingLong(KeyValue::modRevision);
                case VALUE -> Comparator.comparing(KeyValue::value);
            };
            List<KeyValue> kvs = new ArrayList<>(r.kvs());
            kvs.sort(order == SortOrder.DESCEND ? by.reversed() : by);
            boolean more = limit > 0 && kvs.size() > limit;
            return new GetResult(r.revision(), more ? kvs.subList(0, (int) limit) : kvs, r.count(), more);
        }
    }

    @Command(name = "range", mixinStandardHelpOptions = true,
        description = "Get the keys in [START, END): get START END.")
    static final class Range extends Get {
    }

    @Command(name = "del", mixinStandardHelpOptions = true,
        description = "Delete a key or a range [KEY, RANGE_END); prints the number deleted.")
    static final class Del implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Mixin
        KeyRangeArgs keys;
        @Option(names = "--prev-kv", description = "print the deleted key-values")
        boolean prevKv;

        @Override
        public Integer call() {
            Op.Delete del = new Op.Delete(keys.key(), keys.rangeEnd(), prevKv, false);
            try (ConcordClient client = options.connect()) {
                DeleteResult r = client.kv().delete(del);
                if (options.json()) {
                    EtcdFormat.printJson(options.out(), EtcdFormat.delete(r));
                } else {
                    EtcdFormat.printDelete(options.out(), r);
                }
            }
            return 0;
        }
    }
}
