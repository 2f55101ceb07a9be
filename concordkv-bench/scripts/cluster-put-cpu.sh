#!/usr/bin/env bash
# Where the CPU of a cluster put goes (docs/BENCHMARKS.md, issue 6): one 3-member ConcordKV cluster
# and one 3-member etcd 3.4 cluster (Debian etcd-server) on this machine, each warmed up, then
# ROUNDS (default 4) rounds of puts at 1,000 clients, alternating: each cell an unrecorded warm-up
# of 50,000 puts of the generator itself, then 100,000 recorded (as the cluster benchmark's cells).
# Prints, per cell, the throughput, the CPU per put of each member (user + system, from
# /proc/PID/stat, over the warm-up and the recorded puts) and of the load generator (its own
# figure, recorded puts only); for ConcordKV also the members' CPU per put by thread (their threads
# grouped by name, summed over the three members; "sys" is the system part). About 8 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
command -v etcd >/dev/null && command -v etcdctl >/dev/null || { echo "etcd and etcdctl are needed: apt-get install etcd-server etcd-client" >&2; exit 1; }
command -v jcmd >/dev/null || { echo "jcmd (the JDK's) is needed to name the members' threads" >&2; exit 1; }
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
# one line per thread of the processes given: pid|tid|user ticks|system ticks
thread_ticks() {
  local p t
  for p in "$@"; do
    for t in /proc/"$p"/task/*; do
      sed 's/.*) //' "$t/stat" 2>/dev/null | awk -v p="$p" -v t="${t##*/}" '{print p "|" t "|" $12 "|" $13}' || true
    done
  done
}
# pid|tid|java thread name of the processes given (from jcmd's thread dump, native ids in hex)
thread_names() {
  local p
  for p in "$@"; do
    jcmd "$p" Thread.print 2>/dev/null | sed -nE 's/^"([^"]*)".* nid=0x([0-9a-f]+).*/\2 \1/p' \
      | while read -r hex name; do echo "$p|$((16#$hex))|$name"; done
  done
}
source concordkv-bench/scripts/etcd-cluster.sh

# below the kernel's ephemeral range (32768 up), like cluster-benchmarks.sh
base=${CKV_BASE_PORT:-29790}
bin/concordkv cluster start --nodes 3 --dir "$work/ckv" --base-port "$base" >/dev/null
ckv="127.0.0.1:$base,127.0.0.1:$((base + 10)),127.0.0.1:$((base + 20))"
ckv_pids="$(pgrep -f -- "$work/ckv/" | tr "\n" " ")"
[ "$(echo $ckv_pids | wc -w)" = 3 ] || { echo "expected 3 member processes, found: $ckv_pids" >&2; exit 1; }
start_etcd_cluster "$work"

for target in "concordkv $ckv" "etcd $etcd_eps"; do
  set -- $target
  kv --target "$1" --endpoints "$2" --clients 200 --conns 20 --total 40000 >/dev/null
  kv --target "$1" --endpoints "$2" --clients 1000 --conns 100 --total 100000 >/dev/null
done
hz=$(getconf CLK_TCK)
puts=150000  # warm-up and recorded puts of a cell: the window the members' CPU is measured over
for round in $(seq "${ROUNDS:-4}"); do
  for target in "concordkv $ckv" "etcd $etcd_eps"; do
    set -- $target
    if [ "$1" = concordkv ]; then pids=$ckv_pids; else pids="${etcd_pids[*]}"; fi
    declare -A before=()
    for p in $pids; do before[$p]=$(ticks "$p"); done
    [ "$1" = concordkv ] && thread_ticks $pids >"$work/threads-before"
    result=$(kv --target "$1" --endpoints "$2" --op put --clients 1000 --conns 100 --warmup 50000 --total 100000)
    [ "$1" = concordkv ] && { thread_ticks $pids >"$work/threads-after"; thread_names $pids >"$work/names"; }
    members=""; sum=0
    for p in $pids; do
      us=$(( ($(ticks "$p") - ${before[$p]}) * 1000000 / hz / puts )); members+=" $us"; sum=$((sum + us))
    done
    echo "round $round $1 $(echo "$result" | grep -o '"ops_per_sec":[0-9.]*') members_us_per_put:$members (sum $sum)" \
      "generator_us_per_put: $(echo "$result" | grep -o '"generator_cpu_us_per_op":[0-9.]*' | cut -d: -f2)"
    if [ "$1" = concordkv ]; then
      python3 - "$work/threads-before" "$work/threads-after" "$work/names" "$hz" "$puts" <<'PY'
import collections, re, sys
def ticks(path):
    out = {}
    for line in open(path):
        p, t, u, s = line.strip().split('|')
        out[(p, t)] = (int(u), int(s))
    return out
before, after = ticks(sys.argv[1]), ticks(sys.argv[2])
names = {}
for line in open(sys.argv[3]):
    p, t, n = line.rstrip('\n').split('|', 2)
    names[(p, t)] = n
hz, puts = int(sys.argv[4]), int(sys.argv[5])
total, system = collections.Counter(), collections.Counter()
for key, (u, s) in after.items():
    u0, s0 = before.get(key, (0, 0))
    # one group per kind of thread: numbers, member names and hex ids dropped
    group = re.sub(r'(-[0-9a-f]{8,}|-n\d+|[#-]\d+|(?<=[A-Za-z])\d+$)+', '', names.get(key, '(threads that ended)'))
    total[group] += u + s - u0 - s0
    system[group] += s - s0
us = lambda t: t * 1e6 / hz / puts
for group, t in total.most_common(10):
    print('    %6.1f us/put (sys %5.1f)  %s' % (us(t), us(system[group]), group))
PY
    fi
  done
done
