#!/usr/bin/env bash
# Where the CPU of a cluster put goes (docs/BENCHMARKS.md, issue 6): one 3-member ConcordKV cluster
# and one 3-member etcd 3.4 cluster (Debian etcd-server) on this machine, each warmed up, then
# ROUNDS (default 2) rounds of 100,000 puts at 1,000 clients, alternating. Prints, per cell, the
# throughput, each member's user+system CPU per put (from /proc/PID/stat) and the load generator's
# (from /usr/bin/time, its JVM start included). About 4 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
command -v etcd >/dev/null && command -v etcdctl >/dev/null || { echo "etcd and etcdctl are needed: apt-get install etcd-server etcd-client" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
bin/concordkv --version >/dev/null
work="$(mktemp -d /var/tmp/concordkv-put-cpu.XXXXXX)"
etcd_pids=()
cleanup() {
  bin/concordkv cluster stop --dir "$work/ckv" >/dev/null 2>&1 || true
  for p in "${etcd_pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
kv() { bin/concordkv bench kv --key-size 8 --value-size 256 "$@"; }
# user + system clock ticks of a process so far
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
source concordkv-bench/scripts/etcd-cluster.sh

base=${CKV_BASE_PORT:-34790}
bin/concordkv cluster start --nodes 3 --dir "$work/ckv" --base-port "$base" >/dev/null
ckv="127.0.0.1:$base,127.0.0.1:$((base + 10)),127.0.0.1:$((base + 20))"
ckv_pids="$(pgrep -f -- "$work/ckv/" | tr "\n" " ")"
[ "$(echo $ckv_pids | wc -w)" = 3 ] || { echo "expected 3 member processes, found: $ckv_pids" >&2; exit 1; }
start_etcd_cluster "$work"

for target in "concordkv $ckv" "etcd $etcd_eps"; do
  set -- $target
  kv --target "$1" --endpoints "$2" --clients 200 --conns 20 --total 40000 >/dev/null
  kv --target "$1" --endpoints "$2" --op range --consistency l --clients 1000 --conns 100 --total 200000 >/dev/null
done
hz=$(getconf CLK_TCK)
for _ in $(seq "${ROUNDS:-2}"); do
  for target in "concordkv $ckv" "etcd $etcd_eps"; do
    set -- $target
    if [ "$1" = concordkv ]; then pids=$ckv_pids; else pids="${etcd_pids[*]}"; fi
    declare -A before=()
    for p in $pids; do before[$p]=$(ticks "$p"); done
    result=$({ /usr/bin/time -f "generator_cpu_s %U %S" bin/concordkv bench kv --key-size 8 --value-size 256 \
      --target "$1" --endpoints "$2" --op put --clients 1000 --conns 100 --total 100000; } 2>&1)
    members=""
    for p in $pids; do members+=" $(( ($(ticks "$p") - ${before[$p]}) * 1000000 / hz / 100000 ))"; done
    gen=$(echo "$result" | awk '/generator_cpu_s/ {printf "%d", ($2 + $3) * 1000000 / 100000}')
    echo "$1 $(echo "$result" | grep -o '"ops_per_sec":[0-9.]*') members_us_per_put:$members generator_us_per_put: $gen"
  done
done
