#!/usr/bin/env bash
# Shared by the load scripts: a release build, a throwaway database of the chosen backend, and
# a `tribune serve` on loopback. Source it; then `load_database NAME`, `load_start ARGS...`.

load_setup() {
    LOAD_BACKEND=${1:-sqlite}
    case "$LOAD_BACKEND" in
        sqlite | postgres) ;;
        *) echo "backend must be sqlite or postgres, not $LOAD_BACKEND" >&2; exit 2 ;;
    esac
    # LOAD_FEATURES: cargo features of the build (`encoder` for the encoder stage).
    cargo build --release --locked -p tribune --bin tribune --example open_loop --example flood \
        ${LOAD_FEATURES:+--features "$LOAD_FEATURES"}
    # TRIBUNE_LOAD_TMP: where the throwaway databases go (default /tmp; /dev/shm leaves the
    # disk's sync times out, for comparisons whose difference is CPU, not storage).
    LOAD_DIR=$(mktemp -d "${TRIBUNE_LOAD_TMP:-/tmp}/tribune-load.XXXXXX")
    LOAD_PORT=${TRIBUNE_LOAD_PORT:-18280}
    LOAD_URL="http://127.0.0.1:$LOAD_PORT"
    LOAD_PID=
    if [ "$LOAD_BACKEND" = postgres ]; then
        source scripts/pg-cluster.sh
        # Commits pay for their sync, as SQLite's do.
        PG_CLUSTER_FSYNC=on pg_cluster_start "${TRIBUNE_LOAD_PG_PORT:-55498}"
    fi
    trap load_cleanup EXIT
}

load_cleanup() {
    [ -n "${LOAD_PID:-}" ] && kill "$LOAD_PID" 2>/dev/null
    [ "$LOAD_BACKEND" = postgres ] && pg_cluster_stop
    rm -rf "$LOAD_DIR"
}

# A fresh, empty database named NAME; sets LOAD_DATABASE.
load_database() {
    if [ "$LOAD_BACKEND" = sqlite ]; then
        mkdir -p "$LOAD_DIR/$1"
        LOAD_DATABASE="sqlite://$LOAD_DIR/$1/tribune.db?mode=rwc"
    else
        "$PG_CLUSTER_BIN/psql" -q -h 127.0.0.1 -p "${TRIBUNE_LOAD_PG_PORT:-55498}" -U postgres \
            -c "CREATE DATABASE $1" postgres
        LOAD_DATABASE="${TRIBUNE_TEST_POSTGRES%/postgres}/$1"
    fi
}

# Starts `tribune serve` on LOAD_DATABASE with extra ARGS; sets LOAD_PID; waits until it answers.
load_start() {
    TRIBUNE_ADMIN_PASSWORD=load-admin-password target/release/tribune serve \
        --database "$LOAD_DATABASE" --listen "127.0.0.1:$LOAD_PORT" "$@" \
        >>"$LOAD_DIR/server.log" 2>&1 &
    LOAD_PID=$!
    for _ in $(seq 200); do
        curl -sf "$LOAD_URL/api/v1/articles" >/dev/null && return
        sleep 0.05
    done
    echo "the server did not start; its log:" >&2
    tail -20 "$LOAD_DIR/server.log" >&2
    exit 1
}

# Stops the server (SIGTERM) and waits for it.
load_stop() {
    kill "$LOAD_PID" 2>/dev/null || true
    wait "$LOAD_PID" 2>/dev/null || true
    LOAD_PID=
}

# The server's peak resident memory so far, in MiB.
load_peak_rss() {
    awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$LOAD_PID/status"
}
