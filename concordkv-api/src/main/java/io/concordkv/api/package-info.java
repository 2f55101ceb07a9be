/**
 * The few types that every ConcordKV layer, the server and the client share.
 *
 * <p>{@link io.concordkv.api.Bytes} is the immutable binary key and value type, ordered by
 * unsigned lexicographic comparison (the order etcd and RocksDB use). {@link
 * io.concordkv.api.KvException} with its stable {@link io.concordkv.api.ErrorCode} is the single
 * unchecked error of the whole system; each code maps one to one to a gRPC status, an HTTP status
 * and a RESP error word, so every front end reports the same failure the same way.
 *
 * <p>Thread-safety: every type here is immutable and safe to share between threads. This module
 * has no dependencies and writes no files.
 */
package io.concordkv.api;
