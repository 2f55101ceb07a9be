# Sourced by server-benchmarks.sh and cluster-benchmarks.sh: the cells both run, ConcordKV and etcd
# alternating, each after the same unrecorded warm-up.
#   kv_cells CONCORDKV_ENDPOINTS ETCD_ENDPOINTS OUT_FILE ONE_CLIENT_PUTS ONE_CLIENT_RANGES [VIA]
# With ROUNDS=N in the environment the 1,000-client cells run N times in all (alternating as above).
# WARMUP_ROUNDS=N (default 4) unrecorded rounds of the 1,000-client cells come first on each system.
# The one client talks to the first endpoint of each list. For clusters, VIA names which member
# that is in both ("leader" or "follower", see member_first; added to the one-client cells' JSON
# lines): a one-client cell through a follower pays the forwarding hop, so both systems must be
# measured through a member of the same role.
#   one_client_cells CONCORDKV_ENDPOINTS ETCD_ENDPOINTS OUT_FILE ONE_CLIENT_PUTS ONE_CLIENT_RANGES VIA
# runs the one-client cells alone (after kv_cells has warmed both up).

kv() { bin/concordkv bench kv --key-size 8 --value-size 256 "$@"; }
# every recorded cell starts with an unrecorded warm-up of the generator itself (--warmup: the same
# clients, the same connections): a fresh generator JVM otherwise compiles gRPC and Netty during
# the cell, about 6 CPU-seconds taken from the server on the same two cores
many="--clients 1000 --conns 100 --warmup 50000"
one="--clients 1 --conns 1 --warmup 2000"

# ENDPOINTS (comma-separated, of one cluster) reordered with a member of ROLE (leader or follower)
# first, as the members' etcd API Status reports the leader
member_first() {
  local endpoints="$1" role="$2"
  ETCDCTL_API=3 etcdctl --endpoints="$endpoints" endpoint status -w json | python3 -c '
import json, sys
role = sys.argv[1]
status = json.load(sys.stdin)
leader = lambda s: s["Status"]["header"]["member_id"] == s["Status"]["leader"]
first = [s["Endpoint"] for s in status if leader(s) == (role == "leader")][:1]
if not first:
    sys.exit("no " + role + " among " + ",".join(s["Endpoint"] for s in status))
print(",".join(first + [s["Endpoint"] for s in status if s["Endpoint"] not in first]))' "$role"
}

# one JSON line per cell: VIA (when set) added to it
record_via() {
  if [ -n "${via:-}" ]; then sed "s/^{/{\"via\":\"$via\",/"; else cat; fi
}

# one cell on each system; reads the calling function's locals ckv, etcd, out and via
both() {
  kv --target concordkv --endpoints "$ckv" "$@" | record_via | tee -a "$out"
  kv --target etcd --endpoints "$etcd" "$@" | record_via | tee -a "$out"
}

one_client_cells() {
  local ckv="$1" etcd="$2" out="$3" puts1="$4" ranges1="$5" via="$6"
  both --op put $one --total "$puts1"
  for consistency in l s; do
    both --op range --consistency "$consistency" $one --total "$ranges1"
  done
}

kv_cells() {
  local ckv="$1" etcd="$2" out="$3" puts1="$4" ranges1="$5" via="${6:-}"
  # warm-up (not recorded): the JIT of ConcordKV, the page cache of both; every kind of request at
  # 1,000 clients (the first 200,000 linearizable reads after a warm-up of puts alone ran at 10k/s,
  # at 150 us of the members' CPU a read, the next at 17-18k/s and 64 us: the JVMs were still
  # compiling; so was the first round of puts at 1,000 clients after a warm-up of puts at 200: its
  # cluster members spent 50-65% more CPU a put than in the next round); then one client alone,
  # so the one-client cells measure warm code (a JVM compiles the one-at-a-time paths only once
  # they run: the first one-client run after the 200-client warm-up alone was half as fast)
  for endpoints in "concordkv $ckv" "etcd $etcd"; do
    set -- $endpoints
    kv --target "$1" --endpoints "$2" --clients 200 --conns 20 --total 40000 >/dev/null
    kv --target "$1" --endpoints "$2" --clients 1000 --conns 100 --total 100000 >/dev/null
    kv --target "$1" --endpoints "$2" --op range --consistency l --clients 1000 --conns 100 --total 200000 >/dev/null
    kv --target "$1" --endpoints "$2" --op range --consistency s --clients 1000 --conns 100 --total 100000 >/dev/null
    # then unrecorded rounds of the 1,000-client cells themselves: ConcordKV's JVMs were still
    # compiling through the first three recorded rounds. Per-thread CPU of a 3-member cluster over
    # eight rounds of 150,000 puts after the warm-up above: the members' JIT compiler threads took
    # 45, 41, 22 and 10 us a put in rounds 1-4 and vanished from the top after; the members' whole
    # CPU a put fell from 120 to 44-55 us, throughput rose from 17.8k to 27-34k a second
    for _ in $(seq 1 "${WARMUP_ROUNDS:-4}"); do
      kv --target "$1" --endpoints "$2" --op put --clients 1000 --conns 100 --total 150000 >/dev/null
      kv --target "$1" --endpoints "$2" --op range --consistency l --clients 1000 --conns 100 --total 100000 >/dev/null
      kv --target "$1" --endpoints "$2" --op range --consistency s --clients 1000 --conns 100 --total 100000 >/dev/null
    done
    kv --target "$1" --endpoints "$2" --op put --clients 1 --conns 1 --total 3000 >/dev/null
  done
  both --op put $one --total "$puts1"
  via="" both --op put $many --total 100000
  for consistency in l s; do
    both --op range --consistency "$consistency" $one --total "$ranges1"
    via="" both --op range --consistency "$consistency" $many --total 200000
  done
  # ROUNDS=N: N-1 more rounds of the 1,000-client cells, for a median of per-round ratios
  for _ in $(seq 2 "${ROUNDS:-1}"); do
    via="" both --op put $many --total 100000
    for consistency in l s; do
      via="" both --op range --consistency "$consistency" $many --total 200000
    done
  done
}
