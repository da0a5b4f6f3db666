#!/usr/bin/env bash
# The encoder stage off the request path, measured on SQLite with a release build:
#   bash scripts/load-encoder.sh [RATE] [SECONDS] [DECIDE_RATE] [DECIDE_SECONDS]
#                                 (default 200 30 2 30; the model folder from
#                                  TRIBUNE_ENCODER_MODEL, default tribune-data/encoder;
#                                  LOAD_ROUNDS=N repeats step 1, absent then present, N times,
#                                  so the difference can be told from the rounds' spread;
#                                  TRIBUNE_LOAD_TMP=/dev/shm keeps the databases in memory,
#                                  so the disk's sync times, which vary from round to round on
#                                  a shared machine, do not hide what the stage costs the CPU)
# 1. submission latency at a fixed RATE for SECONDS (open loop, scripts/load-open.sh's client)
#    with the stage absent, then present: equal is the goal, the stage being off the request
#    path (its worker shares the machine's cores, so it is not free); with several rounds, the
#    median p99 of each and the rounds where present was higher;
# 2. the share of those comments that reach the encoder (arrival facts: queued / all);
# 3. the time from submission to final decision, p50 / p99, of comments sent at DECIDE_RATE
#    (a rate the one worker keeps up with: above it the time is the backlog's).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${TRIBUNE_ENCODER_MODEL:-tribune-data/encoder}
rate=${1:-200}
seconds=${2:-30}
decide_rate=${3:-2}
decide_seconds=${4:-30}
if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "this script reads the databases with the sqlite3 command: apt-get install sqlite3" >&2
    exit 1
fi
if [ ! -f "$model/e5-small-q4.bin" ]; then
    echo "no encoder model in $model: run scripts/fetch-encoder.sh $model" >&2
    exit 1
fi
LOAD_FEATURES=encoder
source scripts/load-common.sh
load_setup sqlite

db_file() { echo "$LOAD_DIR/$1/tribune.db"; }
sql() { sqlite3 -readonly "$(db_file "$1")" "$2"; }

p99s_absent=()
p99s_present=()
for round in $(seq "${LOAD_ROUNDS:-1}"); do
    for stage in absent present; do
        load_database "$stage-$round"
        if [ "$stage" = absent ]; then
            load_start --comments-per-minute 100000000 --encoder-model "$LOAD_DIR/no-model"
        else
            load_start --comments-per-minute 100000000 --encoder-model "$model"
        fi
        target/release/examples/open_loop 200 3 "$LOAD_URL" >/dev/null   # warm-up
        echo "== round $round, encoder stage $stage: $rate submissions/s for $seconds s"
        result=$(target/release/examples/open_loop "$rate" "$seconds" "$LOAD_URL")
        echo "$result"
        p99=$(sed -n 's/.* p99=\([0-9.]*\)ms.*/\1/p' <<<"$result")
        if [ "$stage" = absent ]; then p99s_absent+=("$p99"); else p99s_present+=("$p99"); fi
        echo "encoder jobs waiting when the load ended: $(sql "$stage-$round" "SELECT COUNT(*) FROM encoder_jobs")"
        echo "arrival facts (encoder step: comments): $(sql "$stage-$round" \
            "SELECT group_concat(s || ': ' || n, ', ') FROM (SELECT COALESCE(encoder, 'none') AS s, \
             COUNT(*) AS n FROM comment_facts GROUP BY encoder)")"
        echo "share reaching the encoder: $(sql "$stage-$round" \
            "SELECT printf('%.1f %%', 100.0 * SUM(encoder = 'queued') / COUNT(*)) FROM comment_facts")"
        echo "server peak RSS: $(load_peak_rss)"
        load_stop
    done
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
higher=0
for i in "${!p99s_absent[@]}"; do
    awk -v a="${p99s_absent[$i]}" -v p="${p99s_present[$i]}" 'BEGIN { exit !(p > a) }' &&
        higher=$((higher + 1))
done
echo "== submission p99 over ${#p99s_absent[@]} rounds: absent median $(median "${p99s_absent[@]}") ms" \
    "(${p99s_absent[*]}), present median $(median "${p99s_present[@]}") ms (${p99s_present[*]});" \
    "present higher in $higher of ${#p99s_absent[@]} rounds"

load_database decide
load_start --comments-per-minute 100000000 --encoder-model "$model"
echo "== submission to final decision: $decide_rate submissions/s for $decide_seconds s"
target/release/examples/open_loop "$decide_rate" "$decide_seconds" "$LOAD_URL"
for _ in $(seq 600); do
    [ "$(sql decide "SELECT COUNT(*) FROM encoder_jobs")" = 0 ] && break
    sleep 1
done
echo "jobs still waiting: $(sql decide "SELECT COUNT(*) FROM encoder_jobs")"
sql decide "SELECT d.created_at - c.created_at FROM comments c \
    JOIN comment_facts f ON f.comment_id = c.id AND f.encoder = 'queued' \
    JOIN decisions d ON d.id = (SELECT MAX(id) FROM decisions WHERE comment_id = c.id) \
    WHERE d.id <> (SELECT MIN(id) FROM decisions WHERE comment_id = c.id) ORDER BY 1" |
    awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "no comment got a final decision"; exit 1 }
        p50 = v[int((NR - 1) * 0.5 + 1.5)]; p99 = v[int((NR - 1) * 0.99 + 1.5)]
        if (p50 == "") p50 = v[NR]; if (p99 == "") p99 = v[NR]
        printf "final decisions: %d, submission to final decision p50=%d ms p99=%d ms max=%d ms\n", NR, p50, p99, v[NR]
    }'
echo "engine decisions by actor: $(sql decide "SELECT group_concat(a || ': ' || n, ', ') FROM \
    (SELECT actor AS a, COUNT(*) AS n FROM decisions GROUP BY actor)")"
