#!/usr/bin/env bash
# The server benchmark behind docs/BENCHMARKS.md (issue 5): one ConcordKV node against one etcd 3.4
# node (Debian package etcd-server: apt-get install etcd-server), same machine, same load
# generator (bin/concordkv bench kv, one Java client over the etcd API), both fsyncing every
# commit (ConcordKV --fsync always; etcd always does). Cells alternate between the two servers
# so that the machine's drift hits both alike; each server gets the same warm-up first.
# JSON lines go to bench-results/server-<timestamp>.jsonl; about 8 minutes.
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

source concordkv-bench/scripts/kv-cells.sh
kv_cells "127.0.0.1:$ckv" "127.0.0.1:$etcd_client" "$out" 3000 10000
echo "results in $out"
