# Sourced by cluster-benchmarks.sh and cluster-put-cpu.sh: a 3-member etcd cluster on 127.0.0.1.
#   start_etcd_cluster DIR   starts it (data and logs under DIR), waits until it is healthy, and
#                            sets etcd_eps (client endpoints, comma-separated) and etcd_pids (array)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

start_etcd_cluster() {
  local dir="$1" cluster="" i c
  local -a clients=() peers=()
  etcd_pids=()
  for i in 1 2 3; do
    c=$(free_port); peers[$i]=$(free_port); clients+=("127.0.0.1:$c")
    cluster+="${cluster:+,}e$i=http://127.0.0.1:${peers[$i]}"
  done
  for i in 1 2 3; do
    c=${clients[$((i - 1))]}
    etcd --name "e$i" --data-dir "$dir/etcd$i" --listen-client-urls "http://$c" --advertise-client-urls "http://$c" \
      --listen-peer-urls "http://127.0.0.1:${peers[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${peers[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new >"$dir/etcd$i.log" 2>&1 &
    etcd_pids+=($!)
  done
  etcd_eps="$(IFS=,; echo "${clients[*]}")"
  for _ in $(seq 100); do
    ETCDCTL_API=3 etcdctl --endpoints="$etcd_eps" endpoint health >/dev/null 2>&1 && return 0
    sleep 0.3
  done
  echo "the etcd cluster did not become healthy; logs in $dir/etcd*.log" >&2
  return 1
}
