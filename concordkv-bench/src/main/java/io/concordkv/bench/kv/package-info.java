/**
 * The network load generator ({@code concordkv bench kv}): etcd v3 API clients that drive a
 * ConcordKV server or a real etcd the same way, for the comparison in {@code docs/BENCHMARKS.md}.
 * Each run owns its connections and closes them.
 */
package io.concordkv.bench.kv;
