/**
 * A node's metrics ({@link io.concordkv.server.metrics.ServerMetrics}, one Prometheus registry
 * owned by the server) and the interceptors that record requests into it. Thread-safe.
 */
package io.concordkv.server.metrics;
