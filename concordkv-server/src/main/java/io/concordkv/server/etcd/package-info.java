/**
 * The etcd v3 gRPC API over a {@link io.concordkv.server.service.KvService}: KV, Watch, Lease
 * (with LeaseLeases, which the generated stubs lack), Maintenance and Cluster, built by
 * {@link io.concordkv.server.etcd.EtcdServices}. Messages come from jetcd-grpc's generated stubs;
 * fields newer than those stubs are read and written as unknown fields. Differences from etcd are
 * listed in {@code docs/server.md}. Thread-safe.
 */
package io.concordkv.server.etcd;
