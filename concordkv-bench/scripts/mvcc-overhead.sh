#!/usr/bin/env bash
# The MVCC overhead figures of docs/BENCHMARKS.md (issue 4): MvccBenchmark's METHOD (put or get)
# on the MVCC store against the same operation on BASE (the engine alone, or the durable store
# when FSYNC keeps a log), in ROUNDS rounds that alternate which layer runs first, so that the
# machine's drift (on the shared benchmark machine the same cell moves 10-30% within minutes)
# hits both alike. Prints each round's ratio MVCC / BASE per engine and their median; the JMH
# lines go to bench-results/mvcc-overhead-<method>-<fsync>-<timestamp>.txt. About 80 seconds a
# round (both engines, both layers).
#
#   [WARMUP=N] concordkv-bench/scripts/mvcc-overhead.sh [put|get] [off|never] [ROUNDS]
#
# Each cell: -t 1 -wi WARMUP -i 5 -w 2 -r 2 (WARMUP 3 by default).
#
# fsync off: no log, the MVCC layer alone over the engine (BASE = engine); never: with the log's
# CPU work and no disk waits (BASE = store, the same durability without MVCC).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
method="${1:-put}"
fsync="${2:-off}"
rounds="${3:-8}"
warmup="${WARMUP:-3}"
case "$method" in put|get) ;; *) echo "method: put or get, not $method" >&2; exit 2 ;; esac
case "$fsync" in off) base=engine ;; never) base=store ;; *) echo "fsync: off or never, not $fsync" >&2; exit 2 ;; esac
case "$rounds" in ''|*[!0-9]*) echo "rounds: a number, not $rounds" >&2; exit 2 ;; esac
case "$warmup" in ''|*[!0-9]*) echo "WARMUP: a number, not $warmup" >&2; exit 2 ;; esac
bin/concordkv --version >/dev/null
mkdir -p bench-results
out="bench-results/mvcc-overhead-$method-$fsync-$(date -u +%Y%m%dT%H%M%SZ).txt"
: >"$out"
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then order="$base mvcc"; else order="mvcc $base"; fi
  for layer in $order; do
    echo "=== round $r layer $layer $(date -u +%H:%M:%S)" >>"$out"
    timeout 900 bin/concordkv bench jmh "MvccBenchmark.$method" -p fsync="$fsync" -p layer="$layer" \
      -t 1 -wi "$warmup" -i 5 -w 2 -r 2 2>&1 | grep -E '^MvccBenchmark' >>"$out"
  done
done
# per engine: each round's MVCC / base ratio, then the medians
awk -v base="$base" '
  /^=== round/ { round = $3; next }
  /^MvccBenchmark/ { score[$2, round, $5] = $8; engines[$2] = 1; if (round > last) last = round }
  function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (e in engines) {
      n = 0; line = ""
      for (r = 1; r <= last; r++) {
        if ((e, r, "mvcc") in score && (e, r, base) in score) {
          ratio[++n] = score[e, r, "mvcc"] / score[e, r, base]
          m[n] = score[e, r, "mvcc"]; b[n] = score[e, r, base]
          line = line sprintf(" %.2f", ratio[n])
        }
      }
      if (n == 0) { continue }
      printf "%s: mvcc / %s per round:%s; median %.2f (%s %.2fM, mvcc %.2fM ops/s, medians)\n", \
        e, base, line, median(ratio, n), base, median(b, n) / 1e6, median(m, n) / 1e6
    }
  }' "$out"
echo "JMH lines in $out"
