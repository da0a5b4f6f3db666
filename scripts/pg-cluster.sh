#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for tests and benchmarks; never the machine's own.
#   source scripts/pg-cluster.sh; pg_cluster_start PORT   -> exports TRIBUNE_TEST_POSTGRES
#   pg_cluster_stop
# Installs Debian's PostgreSQL server when it is missing (as root).

pg_bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "== installing PostgreSQL (apt-get)" >&2
            apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
            dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
        fi
    fi
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

pg_cluster_start() {
    local port=${1:-55432} bin
    bin=$(pg_bin_dir) || { echo "PostgreSQL is not available" >&2; return 1; }
    PG_CLUSTER_DIR=$(mktemp -d /tmp/tribune-pg.XXXXXX)
    PG_CLUSTER_BIN=$bin
    local run=()
    if [ "$(id -u)" = 0 ]; then
        # initdb refuses to run as root: the cluster belongs to the postgres user.
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$PG_CLUSTER_DIR"
        run=(runuser -u postgres --)
    fi
    "${run[@]}" "$bin/initdb" -D "$PG_CLUSTER_DIR/data" -A trust -U postgres --no-sync >/dev/null
    local pg_ctl="${run[*]} $bin/pg_ctl -w -D $PG_CLUSTER_DIR/data"
    # fsync is off for tests (speed); load figures set PG_CLUSTER_FSYNC=on to pay for durability.
    local options="-p $port -k $PG_CLUSTER_DIR -c listen_addresses=127.0.0.1 -c fsync=${PG_CLUSTER_FSYNC:-off} -c max_connections=400"
    # The commands that stop and start this cluster again, for the failover test.
    export TRIBUNE_TEST_PG_STOP="$pg_ctl -m fast stop"
    export TRIBUNE_TEST_PG_START="$pg_ctl -l $PG_CLUSTER_DIR/log -o '$options' start"
    bash -c "$TRIBUNE_TEST_PG_START" >/dev/null
    export TRIBUNE_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
    export PG_CLUSTER_DIR PG_CLUSTER_BIN
}

pg_cluster_stop() {
    [ -n "${PG_CLUSTER_DIR:-}" ] || return 0
    bash -c "$TRIBUNE_TEST_PG_STOP" >/dev/null 2>&1 || true
    rm -rf "$PG_CLUSTER_DIR"
    PG_CLUSTER_DIR=
    unset TRIBUNE_TEST_POSTGRES TRIBUNE_TEST_PG_STOP TRIBUNE_TEST_PG_START
}
