#!/usr/bin/env bash
# Comment submissions against 1 node and then 2 nodes on the same throwaway PostgreSQL cluster.
#   bash scripts/bench-nodes.sh [REQUESTS] [CONCURRENCY]
# Every node and the cluster run on this machine, so nodes compete with each other and with the
# database for the same cores: the figures show the per-node cost, not a multi-machine scale-out.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-4000}
concurrency=${2:-32}
cargo build --release --locked -p tribune --bin tribune --example submit_load
source scripts/pg-cluster.sh
pg_cluster_start "${TRIBUNE_BENCH_PG_PORT:-55499}"
nodes=()
cleanup() { for pid in "${nodes[@]}"; do kill "$pid" 2>/dev/null || true; done; pg_cluster_stop; }
trap cleanup EXIT
url="${TRIBUNE_TEST_POSTGRES%/postgres}/postgres"
start_node() {
    TRIBUNE_ADMIN_PASSWORD=bench-password-unused target/release/tribune serve --database "$url" \
        --listen "127.0.0.1:$1" --comments-per-minute 100000000 >/dev/null 2>&1 &
    nodes+=($!)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/api/v1/articles" >/dev/null && return; sleep 0.1; done
    echo "node on port $1 did not start" >&2; exit 1
}
start_node 18181
target/release/examples/submit_load 300 8 http://127.0.0.1:18181 >/dev/null   # warm-up
target/release/examples/submit_load "$requests" "$concurrency" http://127.0.0.1:18181
start_node 18182
target/release/examples/submit_load "$requests" "$concurrency" http://127.0.0.1:18181 http://127.0.0.1:18182
