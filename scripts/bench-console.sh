#!/usr/bin/env bash
# The moderator's cost, as figures (no timed assertions): keys and milliseconds per decision in
# a scripted headless-Chromium session, and the console's page time with 10 and with 100,000
# pending comments, on SQLite and then on a throwaway PostgreSQL cluster.
#   bash scripts/bench-console.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
[ "${1:-}" = --release ] && profile=(--release)
run() {
    cargo test "${profile[@]}" --locked -p tribune-server --test console_bench -- \
        --ignored --nocapture --test-threads 1 2>&1 | grep -E '^\[|^  '
}
echo "== SQLite"
run
echo "== PostgreSQL"
source scripts/pg-cluster.sh
pg_cluster_start "${TRIBUNE_BENCH_PG_PORT:-55497}"
trap pg_cluster_stop EXIT
run
