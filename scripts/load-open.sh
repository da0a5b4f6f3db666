#!/usr/bin/env bash
# Submission latency under a fixed offered load: an open-loop client sends comments at RATE per
# second for SECONDS, each at its scheduled time, and times each from that scheduled time.
#   bash scripts/load-open.sh [sqlite|postgres] [RATE] [SECONDS]     (default sqlite 500 30)
# Client and server share this machine's cores; the rate limit is lifted (one client address).
# PostgreSQL runs on a throwaway cluster on loopback with fsync on.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/load-common.sh
load_setup "${1:-sqlite}"
rate=${2:-500}
seconds=${3:-30}
load_database open_loop
load_start --comments-per-minute 100000000
target/release/examples/open_loop 200 3 "$LOAD_URL" >/dev/null   # warm-up
echo "== $LOAD_BACKEND: $rate submissions/s for $seconds s"
target/release/examples/open_loop "$rate" "$seconds" "$LOAD_URL"
echo "server peak RSS: $(load_peak_rss)"
