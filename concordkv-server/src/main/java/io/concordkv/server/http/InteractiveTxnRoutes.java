package io.concordkv.server.http;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.http.RestBodies.BeginBody;
import io.concordkv.server.service.TxnSessions;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.ConcurrencyMode;
import io.concordkv.txn.Isolation;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.Transaction;
import io.concordkv.txn.TxnOptions;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Interactive transactions over HTTP: {@code POST /v1/txns} begins one in the node's
 * {@link TxnSessions} and answers its unguessable id; the other routes act on it. HTTP has no
 * lasting connection to tie it to, so an abandoned transaction is rolled back by its idle timeout
 * ({@code idle_timeout_ms}, default 30 s) or its own timeout. One request at a time per
 * transaction. Thread-safe.
 */
final class InteractiveTxnRoutes {
    /** The idle timeout of a transaction begun over HTTP unless the request names one. */
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);
    private static final String OWNER = "http";

    private final TxnSessions sessions;
    private final int maxRequestBytes;

    InteractiveTxnRoutes(TxnSessions sessions, int maxRequestBytes) {
        this.sessions = sessions;
        this.maxRequestBytes = maxRequestBytes;
    }

    void begin(Context ctx) {
        byte[] raw = RestParams.body(ctx, maxRequestBytes);
        BeginBody b = raw.length == 0 ? new BeginBody(null, null, null, null, null, null)
            : RestJson.read(raw, BeginBody.class);
        Isolation isolation = parse(Isolation.class, "isolation", b.isolation(), Isolation.REPEATABLE_READ);
        ConcurrencyMode mode = parse(ConcurrencyMode.class, "mode", b.mode(), ConcurrencyMode.OPTIMISTIC);
        TxnOptions options = TxnOptions.of(isolation, mode).withReadOnly(Boolean.TRUE.equals(b.readOnly()));
        if (b.timeoutMs() != null) {
            options = options.withTimeout(Duration.ofMillis(b.timeoutMs()));
        }
        if (b.lockWaitMs() != null) {
            options = options.withLockWaitTimeout(Duration.ofMillis(b.lockWaitMs()));
        }
        Duration idle = b.idleTimeoutMs() == null ? DEFAULT_IDLE : Duration.ofMillis(b.idleTimeoutMs());
        String id = sessions.begin(options, idle, OWNER);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("start_revision", sessions.transaction(id).startRevision());
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

    /** Runs {@code body} on the named transaction, one call at a time. */
    private <T> T run(Context ctx, Function<Transaction, T> body) {
        return sessions.use(ctx.pathParam("id"), body::apply);
    }
}
