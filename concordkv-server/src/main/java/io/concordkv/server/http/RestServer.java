package io.concordkv.server.http;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.metrics.ServerMetrics;
import io.concordkv.server.service.KvService;
import io.concordkv.server.service.NodeStatus;
import io.concordkv.server.service.TxnChecks;
import io.concordkv.server.service.TxnSessions;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST/JSON endpoint of a node (see {@code docs/rest.md}) on an embedded Javalin server.
 * {@link #start} binds the port before returning, failing fast with {@code UNAVAILABLE} when it is
 * taken; {@link #close} ends watch streams and stops the server. Owns the server and its threads,
 * not the service or the transaction sessions. Thread-safe.
 */
public final class RestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);
    /** How long an idle watch stream waits before a heartbeat comment (which also notices a gone client). */
    public static final Duration DEFAULT_WATCH_HEARTBEAT = Duration.ofSeconds(5);

    private final Javalin app;
    private final SseWatch watch;
    private final AtomicBoolean serving;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RestServer(Javalin app, SseWatch watch, AtomicBoolean serving) {
        this.app = app;
        this.watch = watch;
        this.serving = serving;
    }

    public static RestServer start(KvService service, TxnSessions sessions, InetSocketAddress address,
                                   int maxRequestBytes) {
        return start(service, sessions, address, maxRequestBytes, TxnChecks.DEFAULT_MAX_OPS, DEFAULT_WATCH_HEARTBEAT,
            Optional.empty());
    }

    /**
     * As {@link #start(KvService, TxnSessions, InetSocketAddress, int)}, with the most compares or
     * operations per branch of a conditional transaction ({@link TxnChecks}), the idle heartbeat of
     * watch streams, and with {@code metrics} served as {@code GET /metrics} and fed with every request.
     */
    public static RestServer start(KvService service, TxnSessions sessions, InetSocketAddress address,
                                   int maxRequestBytes, int maxTxnOps, Duration watchHeartbeat,
                                   Optional<ServerMetrics> metrics) {
        if (maxRequestBytes <= 0 || maxTxnOps <= 0 || watchHeartbeat.isNegative() || watchHeartbeat.isZero()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "maxRequestBytes, maxTxnOps and watchHeartbeat must be positive");
        }
        InteractiveTxnRoutes txns = new InteractiveTxnRoutes(sessions, maxRequestBytes);
        SseWatch watch = new SseWatch(service.watches(), watchHeartbeat);
        AtomicBoolean serving = new AtomicBoolean();
        Javalin app = Javalin.create(config -> {
            configure(config, service, maxRequestBytes, maxTxnOps, txns, watch, serving);
            metrics.ifPresent(m -> instrument(config.routes, m));
        });
        try {
            app.start(address.getHostString(), address.getPort());
        } catch (RuntimeException e) {
            stopQuietly(app);
            if (isBindFailure(e)) {
                throw new KvException(ErrorCode.UNAVAILABLE,
                    "cannot listen for HTTP on " + address.getHostString() + ":" + address.getPort() + ": address in use");
            }
            throw e;
        }
        serving.set(true);
        LOG.info("serving the REST API on http://{}:{}", address.getHostString(), app.port());
        return new RestServer(app, watch, serving);
    }

    private static void configure(JavalinConfig config, KvService service, int maxRequestBytes, int maxTxnOps,
                                  InteractiveTxnRoutes txns, SseWatch watch, AtomicBoolean serving) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.maxRequestSize = maxRequestBytes;
        config.http.compressionStrategy = CompressionStrategy.NONE;
        config.http.defaultContentType = "application/json";
        // keys are paths: "/v1/kv/a/" names the key "a/", not "a"
        config.router.ignoreTrailingSlashes = false;
        config.router.treatMultipleSlashesAsSingleSlash = false;
        RoutesConfig r = config.routes;
        KvRoutes kv = new KvRoutes(service, maxRequestBytes);
        r.get("/v1/kv", kv::range);
        r.get("/v1/kv/<key>", kv::get);
        r.put("/v1/kv/<key>", kv::put);
        r.delete("/v1/kv/<key>", kv::delete);
        r.post("/v1/txn", new ConditionalTxnRoutes(service, maxRequestBytes, maxTxnOps)::txn);
        r.post("/v1/txns", txns::begin);
        r.get("/v1/txns/{id}/kv", txns::range);
        r.get("/v1/txns/{id}/kv/<key>", txns::get);
        r.put("/v1/txns/{id}/kv/<key>", txns::put);
        r.delete("/v1/txns/{id}/kv/<key>", txns::delete);
        r.post("/v1/txns/{id}/commit", txns::commit);
        r.post("/v1/txns/{id}/rollback", txns::rollback);
        r.get("/v1/watch", watch::handle);
        r.get("/v1/status", ctx -> json(ctx, status(service.status())));
        r.get("/health", ctx -> json(ctx, Map.of("health", "true")));
        r.get("/ready", ctx -> {
            if (!serving.get()) {
                throw new KvException(ErrorCode.UNAVAILABLE, "not serving");
            }
            if (service.status().leader() == 0) {
                throw new KvException(ErrorCode.UNAVAILABLE,
                    "no Raft leader known: this member cannot serve writes or linearizable reads");
            }
            json(ctx, Map.of("ready", true));
        });
        r.exception(KvException.class, (e, ctx) -> error(ctx, e.code(), e.getMessage()));
        r.exception(HttpResponseException.class, (e, ctx) -> error(ctx, httpCode(e.getStatus()), e.getMessage()));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure serving {} {}", ctx.method(), ctx.path(), e);
            error(ctx, ErrorCode.INTERNAL, "internal error: " + e);
        });
    }

    private static final String STARTED = "concordkv.started";
    private static final String OUTCOME = "concordkv.outcome";

    /** {@code GET /metrics}, and every request timed by its route and outcome. */
    private static void instrument(RoutesConfig r, ServerMetrics metrics) {
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        r.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        r.after(ctx -> {
            Long started = ctx.attribute(STARTED);
            if (started != null && !ctx.path().equals("/metrics")) {
                String outcome = ctx.attribute(OUTCOME);
                var matched = ctx.endpoints().matchedHttpEndpoint();
                String route = ctx.method() + " " + (matched == null ? "unmatched" : matched.path);
                metrics.request("http", route, outcome == null ? "OK" : outcome, System.nanoTime() - started);
            }
        });
    }

    private static Map<String, Object> status(NodeStatus s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member_id", Long.toHexString(s.memberId()));
        out.put("cluster_id", Long.toHexString(s.clusterId()));
        out.put("name", s.name());
        out.put("revision", s.revision());
        out.put("compacted_revision", s.compactedRevision());
        out.put("applied_index", s.appliedIndex());
        out.put("db_size_bytes", s.dbSizeBytes());
        out.put("keys", s.keys());
        return out;
    }

    /** The error code for a status Javalin itself answers with (unknown path, wrong method, ...). */
    private static ErrorCode httpCode(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405, 501 -> ErrorCode.UNSUPPORTED;
            case 413 -> ErrorCode.REQUEST_TOO_LARGE;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
        };
    }

    static void json(Context ctx, Object body) {
        ctx.contentType("application/json").result(RestJson.write(body));
    }

    private static void error(Context ctx, ErrorCode code, String message) {
        ctx.attribute(OUTCOME, code.name());
        ctx.status(code.httpStatus());
        json(ctx, RestJson.error(code, message));
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(Javalin app) {
        try {
            app.stop();
        } catch (RuntimeException ignored) {
            // it never started
        }
    }

    /** The port it listens on (the bound one when started on port 0). */
    public int port() {
        return app.port();
    }

    /** Stops serving; idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        serving.set(false);
        watch.close();
        app.stop();
        LOG.info("stopped the REST API");
    }
}
