package io.concordkv.server.http;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.http.RestBodies.BeginBody;
import io.concordkv.server.service.KvService;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.ConcurrencyMode;
import io.concordkv.txn.Isolation;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.Transaction;
import io.concordkv.txn.TxnOptions;
import io.concordkv.txn.TxnState;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Interactive transactions over HTTP: {@code POST /v1/txns} begins one and answers an unguessable
 * id (128 random bits); the other routes act on it. Open transactions live in a registry; the MVCC
 * store's timeout reaper rolls back abandoned ones, and a transaction that is no longer active
 * (committed, rolled back, aborted, timed out) leaves the registry when next touched or at the next
 * begin. One request at a time per transaction (its calls are serialised on it). Thread-safe.
 */
final class InteractiveTxnRoutes implements AutoCloseable {
    private final KvService service;
    private final int maxRequestBytes;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Transaction> open = new ConcurrentHashMap<>();

    InteractiveTxnRoutes(KvService service, int maxRequestBytes) {
        this.service = service;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** How many transactions the registry holds. */
    int openTransactions() {
        open.values().removeIf(t -> t.state() != TxnState.ACTIVE);
        return open.size();
    }

    void begin(Context ctx) {
        byte[] raw = RestParams.body(ctx, maxRequestBytes);
        BeginBody b = raw.length == 0 ? new BeginBody(null, null, null, null, null) : RestJson.read(raw, BeginBody.class);
        Isolation isolation = parse(Isolation.class, "isolation", b.isolation(), Isolation.REPEATABLE_READ);
        ConcurrencyMode mode = parse(ConcurrencyMode.class, "mode", b.mode(), ConcurrencyMode.OPTIMISTIC);
        TxnOptions options = TxnOptions.of(isolation, mode).withReadOnly(Boolean.TRUE.equals(b.readOnly()));
        if (b.timeoutMs() != null) {
            options = options.withTimeout(Duration.ofMillis(b.timeoutMs()));
        }
        if (b.lockWaitMs() != null) {
            options = options.withLockWaitTimeout(Duration.ofMillis(b.lockWaitMs()));
        }
        open.values().removeIf(t -> t.state() != TxnState.ACTIVE);
        Transaction tx = service.begin(options);
        byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        open.put(id, tx);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("start_revision", tx.startRevision());
        RestServer.json(ctx, out);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String text, E dflt) {
        if (text == null) {
            return dflt;
        }
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, field + " " + text + " is not one of "
                + List.of(type.getEnumConstants()));
        }
    }

    void get(Context ctx) {
        Bytes key = RestParams.pathKey(ctx);
        boolean forUpdate = RestParams.flag(ctx, "for_update");
        Optional<KeyVersion> v = run(ctx, tx -> forUpdate ? tx.getForUpdate(key) : tx.get(key));
        RestServer.json(ctx, RestJson.kv(v.orElseThrow(() -> new KvException(ErrorCode.NOT_FOUND, "key not found")),
            true));
    }

    void put(Context ctx) {
        Bytes key = RestParams.pathKey(ctx);
        byte[] body = RestParams.body(ctx, maxRequestBytes);
        Bytes value;
        if (RestParams.isJson(ctx)) {
            RestBodies.PutBody b = RestJson.read(body, RestBodies.PutBody.class);
            if (b.lease() != null) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "interactive transactions do not attach leases");
            }
            value = RestJson.binary("value", b.value(), b.valueUtf8(), true);
        } else {
            value = Bytes.wrap(body);
        }
        run(ctx, tx -> {
            tx.put(key, value);
            return null;
        });
        RestServer.json(ctx, Map.of());
    }

    void delete(Context ctx) {
        Bytes key = RestParams.pathKey(ctx);
        run(ctx, tx -> {
            tx.delete(key);
            return null;
        });
        RestServer.json(ctx, Map.of());
    }

    void range(Context ctx) {
        long limit = RestParams.number(ctx, "limit", 0);
        ScanRange keys = RestParams.range(ctx).withLimit((int) Math.min(Integer.MAX_VALUE, limit));
        boolean keysOnly = RestParams.flag(ctx, "keys_only");
        List<KeyVersion> kvs = run(ctx, tx -> tx.range(keys));
        RestServer.json(ctx, Map.of("kvs", RestJson.kvs(kvs, !keysOnly)));
    }

    void commit(Context ctx) {
        long rev = run(ctx, Transaction::commit);
        RestServer.json(ctx, Map.of("revision", rev));
    }

    void rollback(Context ctx) {
        run(ctx, tx -> {
            tx.rollback();
            return null;
        });
        RestServer.json(ctx, Map.of());
    }

    /** Runs {@code body} on the named transaction, one call at a time, dropping it once it has ended. */
    private <T> T run(Context ctx, Function<Transaction, T> body) {
        String id = ctx.pathParam("id");
        Transaction tx = open.get(id);
        if (tx == null) {
            throw new KvException(ErrorCode.NOT_FOUND, "no open transaction " + id);
        }
        synchronized (tx) {
            try {
                return body.apply(tx);
            } finally {
                if (tx.state() != TxnState.ACTIVE) {
                    open.remove(id, tx);
                }
            }
        }
    }

    /** Rolls back every open transaction. */
    @Override
    public void close() {
        open.values().forEach(Transaction::close);
        open.clear();
    }
}
