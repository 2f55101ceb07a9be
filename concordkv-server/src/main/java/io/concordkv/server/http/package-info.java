/**
 * The REST/JSON API of a node (see {@code docs/rest.md}): key-value reads and writes, conditional
 * transactions, interactive transactions, watches as Server-Sent Events, status and health, all
 * over a {@link io.concordkv.server.service.KvService}, served by an embedded Javalin (Jetty).
 *
 * <p>Encoding: keys and values are binary; in JSON they are standard base64 in {@code key} /
 * {@code value}, repeated as text in {@code key_utf8} / {@code value_utf8} when valid UTF-8.
 * Every failure is a JSON error object carrying the {@link io.concordkv.api.ErrorCode} name,
 * number and HTTP status; a request is fully parsed and validated before it reaches the service,
 * so a rejected request changes nothing.
 *
 * <p>Threads: requests run on Jetty's pool; a watch stream holds its request thread while open
 * and is woken by the watch hub (the wake callback only signals). Open interactive transactions
 * live in a registry keyed by an unguessable id and are used by one request at a time each.
 * Everything here is thread-safe; {@link io.concordkv.server.http.RestServer} owns the server.
 */
package io.concordkv.server.http;
