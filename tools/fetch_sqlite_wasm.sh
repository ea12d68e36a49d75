#!/bin/bash
# Fetches a real-world module for the compile benchmark: SQLite 3.41.2 built by
# emscripten (npm package @sqlite.org/sqlite-wasm, Apache-2.0; SQLite itself
# is public domain), checks its SHA-256 and prints the path of the .wasm.
#
#   bazel run -c opt //runtime/bench:compile_benchmark -- 3 "$(tools/fetch_sqlite_wasm.sh)"
set -euo pipefail
readonly VERSION=3.41.2
readonly SHA256=2d34bf9279985db154f98bfab9ffa289b014821873ed188b67e3a4c5d1b7faec
readonly CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/wasm-plugin-host"
readonly OUT="$CACHE/sqlite3-$VERSION.wasm"

if [[ ! -f "$OUT" ]] || ! echo "$SHA256  $OUT" | sha256sum --check --status; then
  command -v npm >/dev/null || { echo "fetch_sqlite_wasm.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@sqlite.org/sqlite-wasm@$VERSION" >/dev/null 2>&1) ||
    { echo "fetch_sqlite_wasm.sh: npm pack @sqlite.org/sqlite-wasm@$VERSION failed" >&2; exit 1; }
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/sqlite-wasm/jswasm/sqlite3.wasm
  if ! echo "$SHA256  $tmp/package/sqlite-wasm/jswasm/sqlite3.wasm" | sha256sum --check --status; then
    echo "fetch_sqlite_wasm.sh: sqlite3.wasm does not have the expected SHA-256" >&2
    exit 1
  fi
  mkdir -p "$CACHE"
  mv "$tmp/package/sqlite-wasm/jswasm/sqlite3.wasm" "$OUT"
fi
echo "$OUT"
