package io.concordkv.server.http;

import java.util.List;

/**
 * The JSON request bodies, as records the strict mapper fills (snake_case field names; unknown
 * fields are rejected). Binary fields come as base64 ({@code key}, {@code value}) or as text
 * ({@code key_utf8}, {@code value_utf8}). Absent optional fields are {@code null}.
 */
final class RestBodies {
    private RestBodies() {
    }

    /** {@code PUT /v1/kv/<key>} with {@code Content-Type: application/json}. */
    record PutBody(String value, String valueUtf8, Long lease) {
    }

    /** {@code POST /v1/txn}. */
    record TxnBody(List<CompareBody> compare, List<OpBody> success, List<OpBody> failure) {
    }

    /** One condition: {@code target} is value|version|create|mod|lease, {@code op} one of = != > <. */
    record CompareBody(String key, String keyUtf8, String target, String op, String value, String valueUtf8,
                       Long number) {
    }

    /** Exactly one of {@code put}, {@code delete} and {@code get}. */
    record OpBody(PutOp put, KeyOp delete, KeyOp get) {
    }

    record PutOp(String key, String keyUtf8, String value, String valueUtf8, Long lease, Boolean prevKv) {
    }

    record KeyOp(String key, String keyUtf8, Boolean prefix, Boolean prevKv) {
    }

    /** {@code POST /v1/txns}: isolation, mode (optimistic|pessimistic), read_only, timeout_ms. */
    record BeginBody(String isolation, String mode, Boolean readOnly, Long timeoutMs, Long lockWaitMs,
                     Long idleTimeoutMs) {
    }
}
