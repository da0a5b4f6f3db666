#!/usr/bin/env bash
# A flood of SUBMISSIONS comment submissions and LOGINS log-ins from ADDRESSES addresses (as
# X-Forwarded-For through --trusted-proxy 127.0.0.1/32, default limits otherwise) while a reader
# fetches pages 20 times a second; then the same flood again with a kill -9 of the server once
# KILL_AFTER comments have been acknowledged, and a count of the acknowledged comments in the
# database.
#   bash scripts/load-flood.sh [sqlite|postgres] [SUBMISSIONS LOGINS ADDRESSES KILL_AFTER]
#   (default sqlite 20000 2000 200 900)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/load-common.sh
load_setup "${1:-sqlite}"
submissions=${2:-20000}
logins=${3:-2000}
addresses=${4:-200}
kill_after=${5:-900}

echo "== $LOAD_BACKEND: the flood, the server left running"
load_database flood_full
load_start --trusted-proxy 127.0.0.1/32
target/release/examples/flood run "$LOAD_URL" "$submissions" "$logins" "$addresses" "$LOAD_DIR/acks-full.jsonl"
echo "  server peak RSS: $(load_peak_rss)"
load_stop
target/release/examples/flood verify "$LOAD_DIR/acks-full.jsonl" "$LOAD_DATABASE"

echo "== $LOAD_BACKEND: the flood again, kill -9 of the server after $kill_after acknowledgements"
load_database flood_killed
load_start --trusted-proxy 127.0.0.1/32
target/release/examples/flood run "$LOAD_URL" "$submissions" "$logins" "$addresses" "$LOAD_DIR/acks-killed.jsonl" \
    --kill "$LOAD_PID" --after-acks "$kill_after"
wait "$LOAD_PID" 2>/dev/null || true
LOAD_PID=
target/release/examples/flood verify "$LOAD_DIR/acks-killed.jsonl" "$LOAD_DATABASE"
