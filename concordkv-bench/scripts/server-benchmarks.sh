#!/usr/bin/env bash
# The server benchmark behind docs/BENCHMARKS.md (issue 5): one ConcordKV node against one etcd 3.4
# node (Debian package etcd-server: apt-get install etcd-server), same machine, same load
# generator (bin/concordkv bench kv, one Java client over the etcd API), both fsyncing every
# commit (ConcordKV --fsync always; etcd always does). Cells alternate between the two servers
# so that the machine's drift hits both alike; each server gets the same warm-up first.
# JSON lines go to bench-results/server-<timestamp>.jsonl; about 5 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
command -v etcd >/dev/null || { echo "etcd is not installed: apt-get install etcd-server" >&2; exit 1; }
bin/concordkv --version >/dev/null
out="bench-results/server-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
mkdir -p bench-results
work="$(mktemp -d /var/tmp/concordkv-server-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ckv=$(free_port); ckv_http=$(free_port); etcd_client=$(free_port); etcd_peer=$(free_port)

bin/concordkv server --data-dir "$work/concordkv" --listen-client "127.0.0.1:$ckv" \
  --listen-http "127.0.0.1:$ckv_http" --fsync always --log-file "$work/concordkv.log" &
pids+=($!)
etcd --name bench --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$etcd_client" \
  --advertise-client-urls "http://127.0.0.1:$etcd_client" --listen-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "bench=http://127.0.0.1:$etcd_peer" >"$work/etcd.log" 2>&1 &
pids+=($!)
for port in "$ckv" "$etcd_client"; do
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
done

kv() { bin/concordkv bench kv --key-size 8 --value-size 256 "$@"; }
both() {
  kv --target concordkv --endpoints "127.0.0.1:$ckv" "$@" | tee -a "$out"
  kv --target etcd --endpoints "127.0.0.1:$etcd_client" "$@" | tee -a "$out"
}
# warm-up (not recorded): the JIT of the ConcordKV server, the page cache of both
kv --target concordkv --endpoints "127.0.0.1:$ckv" --clients 200 --conns 20 --total 40000 >/dev/null
kv --target etcd --endpoints "127.0.0.1:$etcd_client" --clients 200 --conns 20 --total 40000 >/dev/null
# and one client alone, so the one-client cells measure warm code (see cluster-benchmarks.sh)
kv --target concordkv --endpoints "127.0.0.1:$ckv" --op put --clients 1 --conns 1 --total 3000 >/dev/null
kv --target etcd --endpoints "127.0.0.1:$etcd_client" --op put --clients 1 --conns 1 --total 3000 >/dev/null

both --op put --clients 1 --conns 1 --total 3000
both --op put --clients 1000 --conns 100 --total 100000
for consistency in l s; do
  both --op range --consistency "$consistency" --clients 1 --conns 1 --total 10000
  both --op range --consistency "$consistency" --clients 1000 --conns 100 --total 200000
done
echo "results in $out"
