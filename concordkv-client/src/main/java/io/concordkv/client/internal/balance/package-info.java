/**
 * Load-balancing strategies: each picks one endpoint for a request from the candidates (healthy
 * endpoints not yet tried by that request), behind {@link
 * io.concordkv.client.internal.balance.BalancingStrategy}, selected by name.
 *
 * <ul>
 *   <li>{@code round-robin}: the next candidate in turn;</li>
 *   <li>{@code weighted}: smooth weighted round-robin, by configured weights or observed latency;</li>
 *   <li>{@code consistent-hash}: on the request key, a ring with virtual nodes;</li>
 *   <li>{@code least-outstanding}: fewest requests in flight, ties in turn.</li>
 * </ul>
 *
 * <p>Invariants: a strategy never returns a target outside the candidate list; given the same
 * calls it returns the same targets (no hidden randomness). Thread-safety: every strategy may be
 * called from any thread at once.
 */
package io.concordkv.client.internal.balance;
