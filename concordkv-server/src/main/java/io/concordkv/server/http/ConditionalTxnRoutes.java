package io.concordkv.server.http;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.http.RestBodies.CompareBody;
import io.concordkv.server.http.RestBodies.KeyOp;
import io.concordkv.server.http.RestBodies.OpBody;
import io.concordkv.server.http.RestBodies.PutOp;
import io.concordkv.server.http.RestBodies.TxnBody;
import io.concordkv.server.service.KvService;
import io.concordkv.server.service.TxnChecks;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.Compare;
import io.concordkv.txn.TxnOp;
import io.concordkv.txn.TxnRequest;
import io.concordkv.txn.TxnResponse;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /v1/txn}: the single-round conditional transaction (etcd's {@code Txn}) as JSON.
 * The whole body is turned into a {@link TxnRequest} before anything runs. Thread-safe.
 */
final class ConditionalTxnRoutes {
    private final KvService service;
    private final int maxRequestBytes;
    private final int maxTxnOps;

    ConditionalTxnRoutes(KvService service, int maxRequestBytes, int maxTxnOps) {
        this.service = service;
        this.maxRequestBytes = maxRequestBytes;
        this.maxTxnOps = maxTxnOps;
    }

    void txn(Context ctx) {
        TxnBody body = RestJson.read(RestParams.body(ctx, maxRequestBytes), TxnBody.class);
        TxnRequest request = new TxnRequest(compares(body.compare()), ops(body.success()), ops(body.failure()));
        TxnChecks.check(request, maxTxnOps);
        TxnResponse r = service.txn(request);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("succeeded", r.succeeded());
        out.put("revision", r.revision());
        List<Object> results = new ArrayList<>();
        for (TxnResponse.OpResult op : r.results()) {
            results.add(result(op));
        }
        out.put("results", results);
        RestServer.json(ctx, out);
    }

    private static List<Compare> compares(List<CompareBody> in) {
        List<Compare> out = new ArrayList<>();
        for (CompareBody c : in == null ? List.<CompareBody>of() : in) {
            if (c == null) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "a compare must be an object");
            }
            Bytes key = RestJson.binary("key", c.key(), c.keyUtf8(), true);
            Compare.Op op = switch (c.op() == null ? "" : c.op()) {
                case "=", "==" -> Compare.Op.EQUAL;
                case "!=" -> Compare.Op.NOT_EQUAL;
                case ">" -> Compare.Op.GREATER;
                case "<" -> Compare.Op.LESS;
                default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, "op must be =, !=, > or <, got " + c.op());
            };
            Compare.Target target = target(c.target());
            if (target == Compare.Target.VALUE) {
                if (c.number() != null) {
                    throw new KvException(ErrorCode.INVALID_ARGUMENT, "a value compare takes value, not number");
                }
                out.add(Compare.value(key, op, RestJson.binary("value", c.value(), c.valueUtf8(), true)));
            } else {
                if (c.number() == null || c.value() != null || c.valueUtf8() != null) {
                    throw new KvException(ErrorCode.INVALID_ARGUMENT, "a " + c.target() + " compare takes number");
                }
                out.add(new Compare(key, Optional.empty(), target, op, c.number(), Bytes.EMPTY));
            }
        }
        return out;
    }

    private static Compare.Target target(String name) {
        try {
            return Compare.Target.valueOf(name == null ? "" : name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT,
                "target must be value, version, create, mod or lease, got " + name);
        }
    }

    private static List<TxnOp> ops(List<OpBody> in) {
        List<TxnOp> out = new ArrayList<>();
        for (OpBody o : in == null ? List.<OpBody>of() : in) {
            int given = o == null ? 0 : (o.put() != null ? 1 : 0) + (o.delete() != null ? 1 : 0) + (o.get() != null ? 1 : 0);
            if (given != 1) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "each operation is exactly one of put, delete, get");
            }
            if (o.put() != null) {
                PutOp p = o.put();
                Bytes key = RestJson.binary("key", p.key(), p.keyUtf8(), true);
                out.add(new TxnOp.Put(key, RestJson.binary("value", p.value(), p.valueUtf8(), true),
                    p.lease() == null ? 0 : p.lease(), Boolean.TRUE.equals(p.prevKv())));
            } else if (o.delete() != null) {
                out.add(new TxnOp.DeleteRange(keys(o.delete()), Boolean.TRUE.equals(o.delete().prevKv())));
            } else {
                if (o.get().prevKv() != null) {
                    throw new KvException(ErrorCode.INVALID_ARGUMENT, "get takes no prev_kv");
                }
                out.add(new TxnOp.Range(keys(o.get())));
            }
        }
        return out;
    }

    private static ScanRange keys(KeyOp k) {
        Bytes key = RestJson.binary("key", k.key(), k.keyUtf8(), true);
        if (Boolean.TRUE.equals(k.prefix())) {
            return ScanRange.prefix(key);
        }
        if (key.isEmpty()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "key must not be empty");
        }
        return RestParams.single(key);
    }

    private static Map<String, Object> result(TxnResponse.OpResult op) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (op instanceof TxnResponse.RangeResponse g) {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("kvs", RestJson.kvs(g.range().kvs(), true));
            inner.put("more", g.range().more());
            m.put("get", inner);
        } else if (op instanceof TxnResponse.PutResponse p) {
            Map<String, Object> inner = new LinkedHashMap<>();
            p.previous().ifPresent(v -> inner.put("prev_kv", RestJson.kv(v, true)));
            m.put("put", inner);
        } else if (op instanceof TxnResponse.DeleteResponse d) {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("deleted", d.deleted());
            if (!d.previous().isEmpty()) {
                inner.put("prev_kvs", RestJson.kvs(d.previous(), true));
            }
            m.put("delete", inner);
        }
        return m;
    }
}
