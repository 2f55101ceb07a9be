#!/usr/bin/env bash
# The full engine benchmark behind docs/BENCHMARKS.md: every engine and baseline, put/get/getMiss
# at 100k and 1M keys on 1 and 2 threads, scan100 on the ordered targets, and the array engine at
# 1k keys. JSON results go to bench-results/<timestamp>/. About 35 minutes on 2 cores.
# The classpath is copied first, so rebuilding the project while this runs changes nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bin/concordkv --version >/dev/null
out="bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out/lib"
for f in concordkv-cli/target/concordkv-cli-*.jar $(tr ':' ' ' < concordkv-cli/target/classpath.txt); do
  cp "$f" "$out/lib/"
done
jmh() {
  local name="$1"; shift
  java -Xmx1g -cp "$out/lib/*" io.concordkv.cli.Main bench jmh -rf json -rff "$out/$name.json" "$@" \
    | tee "$out/$name.txt"
}
ordered="array,rbtree,lsm,jdk-treemap,jdk-skiplist,rocksdb"
jmh point-t1 'EngineBenchmark\.(put|get|getMiss)$' -t 1
jmh point-t2 'EngineBenchmark\.(put|get|getMiss)$' -t 2
jmh scan-t1 'EngineBenchmark\.scan100$' -p target="$ordered" -t 1
jmh scan-t2 'EngineBenchmark\.scan100$' -p target="$ordered" -t 2
jmh array-1k 'EngineBenchmark' -p target=array,jdk-treemap -p keys=1000 -t 1
rm -rf "$out/lib"
echo "results in $out"
