package io.concordkv.server.http;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.service.KvService;
import io.concordkv.server.service.RangeAnswer;
import io.concordkv.server.service.RangeQuery;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.WriteResult;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The plain key-value endpoints: {@code GET|PUT|DELETE /v1/kv/<key>} and {@code GET /v1/kv}
 * (ranges). Stateless apart from the service; thread-safe.
 */
final class KvRoutes {
    private final KvService service;
    private final int maxRequestBytes;

    KvRoutes(KvService service, int maxRequestBytes) {
        this.service = service;
        this.maxRequestBytes = maxRequestBytes;
    }

    void get(Context ctx) {
        Bytes key = RestParams.pathKey(ctx);
        long rev = RestParams.number(ctx, "revision", 0);
        RangeAnswer a = service.range(RangeQuery.of(RestParams.single(key)).atRevision(rev));
        if (a.kvs().isEmpty()) {
            throw new KvException(ErrorCode.NOT_FOUND, "key not found");
        }
        Map<String, Object> out = RestJson.kv(a.kvs().get(0), true);
        out.put("revision", a.revision());
        RestServer.json(ctx, out);
    }

    void put(Context ctx) {
        Bytes key = RestParams.pathKey(ctx);
        long lease = RestParams.number(ctx, "lease", 0);
        boolean prevKv = RestParams.flag(ctx, "prev_kv");
        byte[] body = RestParams.body(ctx, maxRequestBytes);
        Bytes value;
        if (RestParams.isJson(ctx)) {
            RestBodies.PutBody b = RestJson.read(body, RestBodies.PutBody.class);
            value = RestJson.binary("value", b.value(), b.valueUtf8(), true);
            if (b.lease() != null) {
                if (ctx.queryParam("lease") != null && b.lease() != lease) {
                    throw new KvException(ErrorCode.INVALID_ARGUMENT, "lease given twice, differently");
                }
                lease = b.lease();
            }
        } else {
            value = Bytes.wrap(body);
        }
        WriteResult r = service.put(key, value, lease, false, false);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("revision", r.revision());
        if (prevKv && !r.previous().isEmpty()) {
            out.put("prev_kv", RestJson.kv(r.previous().get(0), true));
        }
        RestServer.json(ctx, out);
    }

    void delete(Context ctx) {
        Bytes key = RestParams.pathKey(ctx);
        ScanRange keys = RestParams.keyOrPrefix(ctx, key);
        boolean prevKv = RestParams.flag(ctx, "prev_kv");
        WriteResult r = service.deleteRange(keys);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("revision", r.revision());
        out.put("deleted", r.previous().size());
        if (prevKv) {
            out.put("prev_kvs", RestJson.kvs(r.previous(), true));
        }
        RestServer.json(ctx, out);
    }

    void range(Context ctx) {
        RangeQuery q = query(ctx);
        RangeAnswer a = service.range(q);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kvs", RestJson.kvs(a.kvs(), !q.keysOnly()));
        out.put("more", a.more());
        out.put("count", a.count());
        out.put("revision", a.revision());
        RestServer.json(ctx, out);
    }

    static RangeQuery query(Context ctx) {
        long limit = RestParams.number(ctx, "limit", 0);
        ScanRange keys = RestParams.range(ctx).withLimit((int) Math.min(Integer.MAX_VALUE, limit));
        long rev = RestParams.number(ctx, "revision", 0);
        String sort = ctx.queryParam("sort");
        String order = ctx.queryParam("order");
        RangeQuery.SortTarget target = sort == null ? RangeQuery.SortTarget.KEY : switch (sort.toLowerCase(Locale.ROOT)) {
            case "key" -> RangeQuery.SortTarget.KEY;
            case "version" -> RangeQuery.SortTarget.VERSION;
            case "create" -> RangeQuery.SortTarget.CREATE;
            case "mod" -> RangeQuery.SortTarget.MOD;
            case "value" -> RangeQuery.SortTarget.VALUE;
            default -> throw new KvException(ErrorCode.INVALID_ARGUMENT,
                "sort must be key, version, create, mod or value, got " + sort);
        };
        RangeQuery.SortOrder sortOrder = order == null
            ? (sort == null ? RangeQuery.SortOrder.NONE : RangeQuery.SortOrder.ASCEND)
            : switch (order.toLowerCase(Locale.ROOT)) {
                case "asc" -> RangeQuery.SortOrder.ASCEND;
                case "desc" -> RangeQuery.SortOrder.DESCEND;
                default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, "order must be asc or desc, got " + order);
            };
        return new RangeQuery(keys, rev, target, sortOrder, RestParams.flag(ctx, "keys_only"),
            RestParams.flag(ctx, "count_only"), 0, 0, 0, 0);
    }
}
