#!/usr/bin/env bash
# The transaction benchmark behind docs/BENCHMARKS.md (issue 4): single-key uncontended
# transactions per engine, level and mode; the bank workload per level and mode (low and high
# contention); deadlock detection latency; and the JMH MVCC-overhead benchmark (engine alone vs
# durable store vs MVCC store, with and without the stores' log). JSON lines go to
# bench-results/txn-<timestamp>.jsonl, JMH output to bench-results/txn-<timestamp>-jmh.json; about
# 15 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bin/concordkv --version >/dev/null
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="bench-results/txn-$stamp.jsonl"
mkdir -p bench-results
work="$(mktemp -d /var/tmp/concordkv-txn-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
run() { bin/concordkv bench "$@" --dir "$work" | tee -a "$out"; }
for engine in hash rbtree; do
  for isolation in READ_COMMITTED REPEATABLE_READ SERIALIZABLE; do
    for mode in optimistic pessimistic; do
      run txn --engine "$engine" --fsync batch --isolation "$isolation" --mode "$mode" --threads 2 --seconds 5
    done
  done
  run txn --engine "$engine" --fsync never --isolation SERIALIZABLE --mode optimistic --threads 2 --seconds 5
done
for accounts in 1000 10; do
  for isolation in READ_COMMITTED REPEATABLE_READ SERIALIZABLE; do
    for mode in optimistic pessimistic; do
      run bank --isolation "$isolation" --mode "$mode" --accounts "$accounts" --threads 4 --seconds 5 || true
    done
  done
done
run deadlock --size 2 --rounds 500
run deadlock --size 3 --rounds 500
# the MVCC benchmark with the stores' write-ahead log (fsync never: its CPU work) and without one
# (off: the MVCC layer alone over the engine, as a Raft member's store runs)
bin/concordkv bench jmh MvccBenchmark -p fsync=never,off -t 1 -wi 3 -i 5 -w 2 -r 3 -rf json -rff "bench-results/txn-$stamp-jmh.json" \
  | grep -E '^(Benchmark|MvccBenchmark)' | tee -a "bench-results/txn-$stamp-jmh.txt"
