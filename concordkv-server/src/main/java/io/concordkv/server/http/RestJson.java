package io.concordkv.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.txn.ChangeEvent;
import io.concordkv.txn.KeyVersion;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON side of the REST API: one strict mapper (snake_case names, unknown fields rejected),
 * key-values and events as JSON maps, binary fields as base64 with a UTF-8 twin, and the error
 * body. Stateless and thread-safe.
 */
final class RestJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private RestJson() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new KvException(ErrorCode.INTERNAL, "cannot write JSON: " + e.getOriginalMessage());
        }
    }

    /** Parses {@code body} as {@code type}; any malformed or unexpected input is {@code INVALID_ARGUMENT}. */
    static <T> T read(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "a JSON body is required");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "a JSON object is required");
            }
            return value;
        } catch (java.io.IOException e) {
            String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "malformed JSON: " + msg);
        }
    }

    static Bytes base64(String field, String text) {
        try {
            return Bytes.wrap(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, field + " is not valid base64: " + e.getMessage());
        }
    }

    /** The bytes given as base64 in {@code b64} or as text in {@code utf8} (exactly one). */
    static Bytes binary(String field, String b64, String utf8, boolean required) {
        if (b64 != null && utf8 != null) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "give " + field + " or " + field + "_utf8, not both");
        }
        if (b64 != null) {
            return base64(field, b64);
        }
        if (utf8 != null) {
            return Bytes.utf8(utf8);
        }
        if (required) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, field + " is required");
        }
        return Bytes.EMPTY;
    }

    /** Puts {@code name} (base64) and {@code name_utf8} (when the bytes are valid UTF-8) into {@code out}. */
    static void putBinary(Map<String, Object> out, String name, Bytes b) {
        out.put(name, Base64.getEncoder().encodeToString(b.unsafeArray()));
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b.unsafeArray())).toString();
            out.put(name + "_utf8", text);
        } catch (CharacterCodingException e) {
            // not text: base64 only
        }
    }

    static Map<String, Object> kv(KeyVersion v, boolean withValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        putBinary(m, "key", v.key());
        if (withValue) {
            putBinary(m, "value", v.value());
        }
        m.put("create_revision", v.createRevision());
        m.put("mod_revision", v.modRevision());
        m.put("version", v.version());
        m.put("lease", v.lease());
        return m;
    }

    static List<Map<String, Object>> kvs(List<KeyVersion> vs, boolean withValue) {
        List<Map<String, Object>> out = new ArrayList<>(vs.size());
        for (KeyVersion v : vs) {
            out.add(kv(v, withValue));
        }
        return out;
    }

    static Map<String, Object> event(ChangeEvent e, boolean withPrevious) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", e.deleted() ? "DELETE" : "PUT");
        m.put("kv", kv(e.kv(), !e.deleted()));
        if (withPrevious) {
            e.previous().ifPresent(p -> m.put("prev_kv", kv(p, true)));
        }
        return m;
    }

    static Map<String, Object> error(ErrorCode code, String message) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", code.name());
        inner.put("number", code.number());
        inner.put("message", message == null ? code.name() : message);
        return Map.of("error", inner);
    }
}
