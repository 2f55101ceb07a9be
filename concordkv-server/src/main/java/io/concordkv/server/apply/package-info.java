/**
 * The ordered apply path: every change to a node's data is a
 * {@link io.concordkv.server.apply.WriteCommand}, appended to a
 * {@link io.concordkv.server.apply.CommandLog} and applied in log order by the
 * {@link io.concordkv.server.apply.KvStateMachine}. Applying the same commands in the same order
 * gives the same state (lease ids and expiries are decided before a command is logged), so a
 * consensus log can feed the state machine. A single node uses
 * {@link io.concordkv.server.apply.LocalCommandLog}, whose order is the MVCC store's commit order.
 * The state machine's snapshot is an MVCC store image (format: {@code io.concordkv.txn}), lease
 * records included; restoring one reloads the leases and cancels the watchers. Thread-safe.
 */
package io.concordkv.server.apply;
