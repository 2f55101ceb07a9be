#!/usr/bin/env bash
# The cluster benchmark behind docs/BENCHMARKS.md (issue 6): a 3-member ConcordKV cluster against a
# 3-member etcd 3.4 cluster (Debian package etcd-server), all six processes on this machine, the same
# load generator (bin/concordkv bench kv, one Java client over the etcd API, connections spread over
# the three members). Every commit is fsync-ed on a majority in both (ConcordKV's Raft log syncs each
# batch; etcd always does). Cells alternate between the two clusters; each gets the same warm-up.
# JSON lines go to bench-results/cluster-<timestamp>.jsonl, the members' logs beside them in
# cluster-<timestamp>-logs/; about 12 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
command -v etcd >/dev/null && command -v etcdctl >/dev/null || { echo "etcd and etcdctl are needed: apt-get install etcd-server etcd-client" >&2; exit 1; }
bin/concordkv --version >/dev/null
out="bench-results/cluster-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
mkdir -p bench-results
work="$(mktemp -d /var/tmp/concordkv-cluster-bench.XXXXXX)"
etcd_pids=()
cleanup() {
  bin/concordkv cluster stop --dir "$work/ckv" >/dev/null 2>&1 || true
  for p in "${etcd_pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  # keep the members' logs beside the results (leader changes, errors), then drop the data
  mkdir -p "${out%.jsonl}-logs"
  cp "$work"/ckv/*.log "$work"/etcd*.log "${out%.jsonl}-logs/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source concordkv-bench/scripts/etcd-cluster.sh

# below the kernel's ephemeral range (32768 up): a port in it can be held by any outgoing
# connection, such as the generator's to etcd, when the members try to listen
base=${CKV_BASE_PORT:-28790}
# each member logs its GC pauses beside its own log (gc-<pid>.log), to tell a GC pause from CPU
# starvation when an election happens under load
bin/concordkv cluster start --nodes 3 --dir "$work/ckv" --base-port "$base" \
  "--jvm-opt=-Xlog:gc:file=$work/ckv/gc-%p.log:utctime,uptime" >/dev/null
ckv="127.0.0.1:$base,127.0.0.1:$((base + 10)),127.0.0.1:$((base + 20))"

start_etcd_cluster "$work"

source concordkv-bench/scripts/kv-cells.sh
# the one client through each cluster's leader, then (after every other cell) through a follower
kv_cells "$(member_first "$ckv" leader)" "$(member_first "$etcd_eps" leader)" "$out" 2000 5000 leader
one_client_cells "$(member_first "$ckv" follower)" "$(member_first "$etcd_eps" follower)" "$out" 2000 5000 follower
echo "results in $out"
