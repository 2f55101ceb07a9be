#!/usr/bin/env bash
# The durable-store benchmark behind docs/BENCHMARKS.md: durable writes under each fsync policy,
# recovery of 1M keys, compaction savings, and (when redis-server and redis-benchmark are
# installed: apt-get install redis-server) Redis 7 on loopback with the matching appendfsync
# settings, as the reference. JSON lines go to bench-results/store-<timestamp>.jsonl; about 5 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bin/concordkv --version >/dev/null
out="bench-results/store-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
mkdir -p bench-results
work="$(mktemp -d /var/tmp/concordkv-store-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
run() { bin/concordkv bench "$@" --dir "$work" | tee -a "$out"; }
for threads in 1 16 64; do
  run store --fsync always --threads "$threads" --seconds 5
done
run store --fsync batch --threads 2 --seconds 5
run store --fsync never --threads 2 --seconds 5
run recovery --keys 1000000 --tail 100000
run compaction --keys 10000 --writes 30000
run compaction --keys 10000 --writes 15000

if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
  port=6390
  for fsync in always everysec no; do
    rm -rf "$work/redis" && mkdir -p "$work/redis"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes \
      --appendfsync "$fsync" --save "" --daemonize no --loglevel warning &
    pid=$!
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    for clients in 1 2 16 50 64; do
      n=$((clients * 4000)); [ "$n" -gt 200000 ] && n=200000
      rps=$(redis-benchmark -p "$port" -t set -c "$clients" -n "$n" -d 100 -r 100000 --csv \
        | awk -F'"' '/SET/ {print $4}')
      printf '{"engine":"redis-%s","appendfsync":"%s","clients":%d,"ops_per_sec":%s}\n' \
        "$(redis-server --version | awk '{print $3}' | cut -d= -f2)" "$fsync" "$clients" "${rps:-0}" | tee -a "$out"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
fi
echo "results in $out"
