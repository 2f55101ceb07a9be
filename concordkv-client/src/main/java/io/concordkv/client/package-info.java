/**
 * The ConcordKV Java client: {@link io.concordkv.client.ConcordClient}, built by {@link
 * io.concordkv.client.ClientBuilder}, with its four facets: {@link io.concordkv.client.KvClient}
 * (get, range, put, delete, conditional transactions, batches), {@link
 * io.concordkv.client.WatchClient}, {@link io.concordkv.client.LeaseClient}, {@link
 * io.concordkv.client.ClusterClient} and {@link io.concordkv.client.TransactionClient} (interactive
 * transactions, ConcordKV only). Each call exists in an async form returning a
 * {@link java.util.concurrent.CompletableFuture} and a sync form.
 *
 * <p>Every type here is plain Java (records, interfaces, {@link io.concordkv.api.Bytes}); gRPC and
 * protobuf stay in {@code io.concordkv.client.internal}. Errors are {@link
 * io.concordkv.api.KvException} with a stable {@link io.concordkv.api.ErrorCode}: async methods
 * return failed futures, sync methods throw.
 *
 * <p>Thread-safety: the records are immutable; the client and its facets are thread-safe;
 * {@link io.concordkv.client.ClientBuilder} is for one thread. See {@code docs/client.md}.
 */
package io.concordkv.client;
