/**
 * Leases: the table of live leases, their TTLs, expiry times and attached keys
 * ({@link io.concordkv.server.lease.LeaseTable}, which follows the MVCC change feed), and
 * {@link io.concordkv.server.lease.LeaseWriter}, which grants and revokes them. Persisted as MVCC
 * system records {@code "lease/" + be64(id) -> be64(ttl seconds)}; expiry times are not persisted
 * (a restarted node gives every lease its whole TTL again, plus a grace for clients to reconnect;
 * a node whose state is restored from a snapshot reloads its leases from the restored records, each
 * with its whole TTL from then). Thread-safe.
 */
package io.concordkv.server.lease;
