/**
 * The client's implementation over etcd's v3 gRPC API: the only package that sees gRPC and
 * protobuf types (the stubs of {@code io.etcd:jetcd-grpc}, and of {@code concordkv-proto} for
 * ConcordKV's own {@code Transactions} service).
 *
 * <p>Structure: {@link io.concordkv.client.internal.ClientRuntime} wires everything. An {@link
 * io.concordkv.client.internal.EndpointSet} holds one {@link io.concordkv.client.internal.EndpointPool}
 * (N channels, health flag, load counters) per endpoint, from the seeds and, optionally, from
 * MemberList. Every unary call goes through {@link io.concordkv.client.internal.CallRunner}: pick an
 * endpoint with the balancing strategy, send with the call's gRPC deadline, on UNAVAILABLE retry a
 * retry-safe call on another endpoint (or after {@link io.concordkv.client.internal.Backoff}), map
 * any other failure with {@link io.concordkv.client.internal.GrpcErrors}. Watches and lease
 * keep-alives are long-lived streams that reopen themselves after a break. The {@link
 * io.concordkv.client.internal.HealthChecker} probes endpoints with Maintenance.Status. An
 * interactive transaction ({@link io.concordkv.client.internal.GrpcTransactionClient}) is begun
 * through the call runner, then pinned to the endpoint and channel of that begin: its other calls
 * are single attempts on that channel, because the transaction lives on that server and dies with
 * that connection.
 *
 * <p>Invariants: a non-idempotent write is sent at most once; every unary future completes by its
 * deadline; no call of an interactive transaction but begin is retried; results of a batch come in request order; a watch delivers events in revision order,
 * without repeats across reopenings.
 *
 * <p>Thread-safety: every public class here is thread-safe (each says how). Background work runs on
 * one daemon timer thread owned by the runtime ({@code concordkv-client-timer-N}) and on gRPC's
 * threads; nothing blocks either. This package writes no files.
 */
package io.concordkv.client.internal;
