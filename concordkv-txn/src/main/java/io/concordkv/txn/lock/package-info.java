/**
 * The lock manager of pessimistic transactions: shared and exclusive locks on keys, FIFO
 * grants, lock-wait timeouts and deadlock detection on a wait-for graph.
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li>{@link io.concordkv.txn.lock.StripedLockTable}: the public entry point; routes each key
 *       to a stripe, parks waiting threads, owns the background detector.</li>
 *   <li>{@code LockStripe}: the lock entries of the keys hashed to it, under its own lock, and
 *       every change to them (grant, queue, withdraw, release).</li>
 *   <li>{@code LockEntry}: one key's holders and queue of {@code LockRequest}s; decides grants
 *       and computes the key's wait-for edges.</li>
 *   <li>{@code WaitForGraph}: waiting owner to the owners it waits for; finds cycles and fails
 *       the youngest owner of each. {@code DeadlockDetector} searches it periodically.</li>
 *   <li>{@link io.concordkv.txn.lock.LockOwner}: a transaction: the keys it holds, the request it
 *       waits on, the failure (deadlock or abort) that bars it from further locks.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>On a key, either one owner holds {@code EXCLUSIVE} and no one else holds anything, or
 *       every holder holds {@code SHARED}.</li>
 *   <li>A key has an entry exactly while it has a holder or a queued request.</li>
 *   <li>Grants are FIFO: upgrades first (granted when their owner is the only holder), then
 *       ordinary requests in arrival order; a new request never overtakes a waiting one.</li>
 *   <li>A queued request is decided (granted or failed) exactly once, under the graph lock; only
 *       then is its thread woken, and the thread reads the outcome from the request, so a wake-up
 *       cannot be lost (an unpark before the park is kept as a permit) and spurious ones are
 *       harmless.</li>
 *   <li>The edges of every waiting owner are those its key implies at this moment (rewritten
 *       under the stripe lock and the graph lock whenever the key's holders or queue change), so
 *       the graph has no stale edges and a search finds no false deadlocks.</li>
 *   <li>The graph is acyclic whenever its lock is free: a change that adds an edge searches for
 *       cycles from the owners that gained one before letting go of the lock, and each cycle
 *       loses exactly one owner, its youngest (highest id). A victim is marked failed and can
 *       never wait again.</li>
 * </ul>
 *
 * <h2>Threads and lock order</h2>
 * Every public method may be called from any thread (see {@code StripedLockTable} for the rules
 * per owner). There are three kinds of locks, always taken in this order and never the reverse:
 * <ol>
 *   <li>a stripe lock (a thread holds at most one);</li>
 *   <li>the graph lock (one per table; taken alone by the background detector);</li>
 *   <li>an owner's monitor (innermost; nothing is taken under it).</li>
 * </ol>
 * No thread parks while holding any of them; threads are woken with
 * {@link java.util.concurrent.locks.LockSupport#unpark} after the locks are released. The
 * background detector runs on a daemon thread named {@code concordkv-deadlock-detector}, started
 * by the table's constructor and stopped by {@code close()}.
 *
 * <h2>Time</h2>
 * Waits and latencies use {@link System#nanoTime()}, not an injected clock: a parked thread can
 * only be woken by the real clock. Tests therefore use short real timeouts and latches.
 */
package io.concordkv.txn.lock;
