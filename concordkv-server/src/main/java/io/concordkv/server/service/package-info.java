/**
 * What every front end sees of a node: {@link io.concordkv.server.service.KvService} (reads, writes
 * through the ordered apply path, leases, watches, interactive transactions, status), its
 * single-node implementation {@link io.concordkv.server.service.StandaloneKvService}, range reads
 * with etcd's options, etcd's key-range conventions, and
 * {@link io.concordkv.server.service.TxnSessions}, the interactive transactions clients drive over
 * the network. Thread-safe throughout.
 */
package io.concordkv.server.service;
