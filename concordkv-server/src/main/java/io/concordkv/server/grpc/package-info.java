/**
 * The gRPC endpoint shared by the etcd API and ConcordKV's own services: the Netty server
 * ({@link io.concordkv.server.grpc.GrpcEndpoint}), the mapping of failures to statuses with the
 * {@code concordkv-error-code} trailer ({@link io.concordkv.server.grpc.GrpcErrors}), malformed
 * request handling, connection ownership of interactive transactions, and the
 * {@code concordkv.v1.Transactions} service. Thread-safe.
 */
package io.concordkv.server.grpc;
