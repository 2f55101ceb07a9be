/**
 * Checkers for recorded client histories: is what the clients saw linearizable?
 *
 * <h2>Model</h2>
 * Each key of the store is an independent register holding a string or nothing (absent). A
 * request ({@link io.concordkv.check.KvOp}) is a GET (outputs the value or absent), a PUT, a
 * DELETE, or a CAS from an expected value (or absent) to a new value (outputs whether it swapped).
 * A recorded {@link io.concordkv.check.Operation} adds the client, the invoke and return times on
 * one shared clock and the {@link io.concordkv.check.Outcome}:
 * <ul>
 *   <li>OK: it returned an output, and took effect exactly once, at some instant between invoke
 *       and return;</li>
 *   <li>FAILED: it definitely did not take effect (a refused write); it is dropped;</li>
 *   <li>UNKNOWN: the client does not know (timeout, lost connection, crash). It may have taken
 *       effect, once, at any instant after its invoke, even long after the client gave up, or
 *       never: its return time is infinity and its output unknown. An UNKNOWN GET says nothing and
 *       is dropped; an UNKNOWN CAS may have swapped or not.</li>
 * </ul>
 * Operation a precedes operation b when a returned strictly before b was invoked; touching
 * intervals count as concurrent. A history is linearizable when the operations kept can be put
 * in one order that respects precedence and in which every output is what a register would give,
 * some UNKNOWN operations being placed and the others left out.
 * {@link io.concordkv.check.HistoryRecorder} records histories as they happen;
 * {@link io.concordkv.check.HistoryRecorder#history()} reports requests still outstanding as
 * UNKNOWN.
 *
 * <h2>Algorithm</h2>
 * {@link io.concordkv.check.LinearizabilityChecker} splits the history by key: linearizability
 * is compositional, so the whole is linearizable exactly when each key's part is. Each key is
 * searched with the Wing-Gong-Lowe algorithm as Lowe describes it in "Testing for
 * linearizability" (2017) and as Porcupine implements it: the calls and returns in time order in
 * a doubly linked list; repeatedly linearize the first call the register allows, lifting it and
 * its return out of the list; on reaching a return whose operation is not yet linearized,
 * backtrack. A memo of the (set of linearized operations, register state) pairs already reached,
 * a bitset with an incrementally kept hash next to the state in an open-addressing table, cuts
 * every path that reaches a known pair again: without it the search is exponential in the
 * number of concurrent operations, with it the usual linearizable history takes about one step
 * per operation. Refinements, each proven to keep the verdict exact:
 * <ul>
 *   <li>values no operation compares with are one state, as nothing tells them apart;</li>
 *   <li>a read-only operation (an OK GET, a refused CAS) that can go next is placed without
 *       trying alternatives, so concurrent reads are never permuted;</li>
 *   <li>UNKNOWN writes that cannot matter are dropped, and identical UNKNOWN operations are
 *       placed in invoke order only ({@code UnknownWrites}, {@code TwinOrder}), so that timeouts
 *       do not make the search exponential.</li>
 * </ul>
 * Cost grows with the operations per key and their concurrency; histories of ~10,000 operations
 * over ~50 keys by ~20 clients take tens of milliseconds, including proving a violation. A key
 * with thousands of operations, many clients and dozens of UNKNOWN writes whose values were read
 * can still make the search run out of time or memory: spread a workload over more keys, and
 * write unique values (client id and counter), which also makes violations easier to read.
 *
 * <h2>Verdicts</h2>
 * A {@link io.concordkv.check.CheckResult} is OK (every key has a linearization),
 * NOT_LINEARIZABLE (naming the first key, in key order, that has none, with the longest
 * linearizable prefix found and the operations that could not be placed after it), or UNKNOWN:
 * the wall-clock time limit for the whole check ran out, or one key's memo outgrew its memory
 * budget, before a verdict. UNKNOWN says nothing either way; a check is never reported OK
 * unless every key was searched to the end.
 *
 * <h2>Threads</h2>
 * The model types and {@link io.concordkv.check.CheckResult} are immutable.
 * {@link io.concordkv.check.HistoryRecorder} is thread-safe: any number of client threads may
 * record at once, and the injected clock ({@code System::nanoTime}, or a simulator's time) is read
 * outside its lock. {@link io.concordkv.check.LinearizabilityChecker} is immutable and each
 * {@code check} call works on its own state, on the calling thread. The package-private search
 * classes are single-threaded.
 */
package io.concordkv.check;
