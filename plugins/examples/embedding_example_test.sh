#!/bin/bash
# Runs the README's embedding example and checks what it prints; checks that
# the README shows exactly this program.
set -euo pipefail
example="$1"; wasm="$2"; readme="$3"; source_file="$4"
out="$("$example" "$wasm")"
expected=$'wasm says 21\nrun(21) = 42'
if [ "$out" != "$expected" ]; then
  echo "unexpected output:"; echo "$out"; exit 1
fi
# The README's ```cpp block under "## Embedding" must be the file verbatim.
if ! diff <(awk '/^## Embedding/{s=1} s&&/^```cpp$/{c=1;next} c&&/^```$/{exit} c' "$readme") "$source_file"; then
  echo "README.md's embedding example differs from $source_file (above)"; exit 1
fi
echo "embedding example: output and README agree"
