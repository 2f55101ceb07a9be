/**
 * The pure Raft core, in the style of etcd's raft library: inputs are messages, ticks and
 * proposals; the output is a {@code Ready} batch (entries and hard state to persist, messages to
 * send, committed entries to apply, a snapshot to install). No threads, clocks or I/O inside:
 * a runtime or the deterministic simulator drives it.
 *
 * <p>Threads: not thread-safe; one thread at a time drives a core (only {@link
 * io.concordkv.raft.core.MemoryStorage} may be shared).
 */
package io.concordkv.raft.core;
