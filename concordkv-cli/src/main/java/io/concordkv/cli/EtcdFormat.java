package io.concordkv.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.concordkv.api.Bytes;
import io.concordkv.client.DeleteResult;
import io.concordkv.client.GetResult;
import io.concordkv.client.KeyValue;
import io.concordkv.client.OpResult;
import io.concordkv.client.PutResult;
import io.concordkv.client.TxnResult;
import io.concordkv.client.WatchEvent;
import java.io.PrintWriter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Prints client results as etcdctl does: {@code simple} (keys and values on their own lines,
 * {@code OK}, counts) or {@code json} (etcd's JSON field names, keys and values in base64, zero
 * fields left out). The response header carries only the revision: the client does not expose
 * cluster id, member id or raft term per response. Stateless; thread-safe.
 */
final class EtcdFormat {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code get} prints of each key. */
    record GetStyle(boolean keysOnly, boolean valueOnly, boolean countOnly) {
        static final GetStyle FULL = new GetStyle(false, false, false);
    }

    private EtcdFormat() {
    }

    static String utf8(Bytes b) {
        return b.toUtf8();
    }

    static void printKv(PrintWriter out, KeyValue kv, GetStyle style) {
        if (!style.valueOnly()) {
            out.println(utf8(kv.key()));
        }
        if (!style.keysOnly()) {
            out.println(utf8(kv.value()));
        }
    }

    static void printGet(PrintWriter out, GetResult r, GetStyle style) {
        if (style.countOnly()) {
            out.println(r.count());
            return;
        }
        r.kvs().forEach(kv -> printKv(out, kv, style));
    }

    static void printPut(PrintWriter out, PutResult r) {
        out.println("OK");
        r.prevKv().ifPresent(kv -> printKv(out, kv, GetStyle.FULL));
    }

    static void printDelete(PrintWriter out, DeleteResult r) {
        out.println(r.deleted());
        r.prevKvs().forEach(kv -> printKv(out, kv, GetStyle.FULL));
    }

    static void printTxn(PrintWriter out, TxnResult r) {
        out.println(r.succeeded() ? "SUCCESS" : "FAILURE");
        for (OpResult op : r.results()) {
            out.println();
            printOp(out, op);
        }
    }

    static void printOp(PrintWriter out, OpResult op) {
        if (op instanceof GetResult g) {
            printGet(out, g, GetStyle.FULL);
        } else if (op instanceof PutResult p) {
            printPut(out, p);
        } else if (op instanceof DeleteResult d) {
            printDelete(out, d);
        }
    }

    static void printEvent(PrintWriter out, WatchEvent e) {
        out.println(e.type());
        e.prevKv().ifPresent(kv -> printKv(out, kv, GetStyle.FULL));
        printKv(out, e.kv(), GetStyle.FULL);
    }

    /** Prints {@code node} on one line. */
    static void printJson(PrintWriter out, ObjectNode node) {
        out.println(node.toString());
    }

    static ObjectNode header(long revision) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("header").put("revision", revision);
        return o;
    }

    static String base64(Bytes b) {
        return Base64.getEncoder().encodeToString(b.unsafeArray());
    }

    static ObjectNode kv(KeyValue kv) {
        ObjectNode o = JSON.createObjectNode();
        o.put("key", base64(kv.key()));
        putNonZero(o, "create_revision", kv.createRevision());
        putNonZero(o, "mod_revision", kv.modRevision());
        putNonZero(o, "version", kv.version());
        if (!kv.value().isEmpty()) {
            o.put("value", base64(kv.value()));
        }
        putNonZero(o, "lease", kv.lease());
        return o;
    }

    private static void putNonZero(ObjectNode o, String field, long value) {
        if (value != 0) {
            o.put(field, value);
        }
    }

    private static void addKvs(ObjectNode o, String field, List<KeyValue> kvs) {
        if (!kvs.isEmpty()) {
            ArrayNode a = o.putArray(field);
            kvs.forEach(kv -> a.add(kv(kv)));
        }
    }

    static ObjectNode get(GetResult r) {
        ObjectNode o = header(r.revision());
        addKvs(o, "kvs", r.kvs());
        if (r.more()) {
            o.put("more", true);
        }
        putNonZero(o, "count", r.count());
        return o;
    }

    static ObjectNode put(PutResult r) {
        ObjectNode o = header(r.revision());
        r.prevKv().ifPresent(kv -> o.set("prev_kv", kv(kv)));
        return o;
    }

    static ObjectNode delete(DeleteResult r) {
        ObjectNode o = header(r.revision());
        putNonZero(o, "deleted", r.deleted());
        addKvs(o, "prev_kvs", r.prevKvs());
        return o;
    }

    static ObjectNode txn(TxnResult r) {
        ObjectNode o = header(r.revision());
        if (r.succeeded()) {
            o.put("succeeded", true);
        }
        ArrayNode responses = o.putArray("responses");
        for (OpResult op : r.results()) {
            ObjectNode response = responses.addObject();
            if (op instanceof GetResult g) {
                response.set("response_range", get(g));
            } else if (op instanceof PutResult p) {
                response.set("response_put", put(p));
            } else if (op instanceof DeleteResult d) {
                response.set("response_delete_range", delete(d));
            }
        }
        return o;
    }

    static ObjectNode event(WatchEvent e) {
        ObjectNode o = header(e.revision());
        ObjectNode event = o.putArray("events").addObject();
        if (e.type() == WatchEvent.Type.DELETE) {
            event.put("type", "DELETE");
        }
        event.set("kv", kv(e.kv()));
        e.prevKv().ifPresent(kv -> event.set("prev_kv", kv(kv)));
        return o;
    }

    /** A byte count as Go's humanize.Bytes prints it (SI units: {@code 25 kB}, {@code 1.2 MB}). */
    static String humanBytes(long size) {
        if (size < 10) {
            return size + " B";
        }
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        int e = (int) Math.floor(Math.log(size) / Math.log(1000));
        double value = Math.floor(size / Math.pow(1000, e) * 10 + 0.5) / 10;
        String number = value < 10 ? String.format(Locale.ROOT, "%.1f", value)
            : String.format(Locale.ROOT, "%.0f", value);
        return number + " " + units[e];
    }

    /** A lease id as etcdctl prints it: 16 hex digits. */
    static String leaseId(long id) {
        return String.format("%016x", id);
    }
}
