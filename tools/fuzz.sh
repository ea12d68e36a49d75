#!/usr/bin/env bash
# Builds a fuzzer with clang-14 (-fsanitize=fuzzer,address) and runs it for a
# bounded time, seeded with every module of the spec testsuite.
#
#   tools/fuzz.sh [SECONDS] [TARGET]    SECONDS default 60; TARGET:
#     decode   decoder + validator (runtime/fuzz/decode_fuzzer.cc), the default
#     compile  decoder + validator + the whole JIT compiler, nothing executed
#              (runtime/fuzz/compile_fuzzer.cc)
#     text     the text-format parser (runtime/fuzz/text_fuzzer.cc), seeded
#              with the .wast files and their text-form modules; not run by
#              tools/test_all.sh
#     ipc      the broker's handling of whatever a hostile worker sends
#              (host/fuzz_worker_messages.cc: records into WorkerConnection),
#              seeded with well-formed replies and requests
#
# Prints `fuzz: 1 passed, 0 failed` (or `0 passed, 1 failed`) as its last line.
# A crashing input is left in .fuzz/artifacts/; copy it into
# runtime/fuzz/regressions/ so the regression test replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
target="${2:-decode}"
out=.fuzz
mkdir -p "$out/corpus-$target" "$out/artifacts" "$out/seeds"

case "$target" in
  decode)
    srcs="$(ls runtime/*.cc | grep -v '_test\.cc$') runtime/fuzz/fuzz_target.cc runtime/fuzz/decode_fuzzer.cc"
    ;;
  compile)
    # Every library source of the compiler; not tests, test harnesses or mains.
    srcs="$(ls runtime/*.cc runtime/{ir,opt,translator,codegen,baseline,x64,vm,instance,jit}/*.cc |
            grep -v -e '_test\.cc$' -e 'test_harness' -e 'test_util' -e 'proc_maps' -e 'filetest')
          runtime/fuzz/compile_fuzzer.cc"
    ;;
  text)
    srcs="runtime/errors.cc runtime/reader.cc runtime/types.cc runtime/opcode.cc
          $(ls runtime/text/*.cc | grep -v -e '_test\.cc$' -e '_main\.cc$') runtime/fuzz/text_fuzzer.cc"
    ;;
  ipc)
    mkdir -p "$out/gen/ipc"
    protoc -I. --cpp_out="$out/gen" ipc/messages.proto
    srcs="$out/gen/ipc/messages.pb.cc ipc/channel.cc ipc/ring.cc ipc/validate.cc ipc/convert.cc
          host/worker_connection.cc runtime/instance/instance_errors.cc runtime/types.cc
          runtime/vm/trap.cc runtime/vm/unique_fd.cc host/fuzz_worker_messages.cc"
    ;;
  *)
    echo "fuzz: unknown target $target (decode, compile, text, ipc)"
    echo "fuzz: 0 passed, 1 failed"
    exit 2
    ;;
esac
libs=$(ls /usr/lib/x86_64-linux-gnu/libabsl_*.so | sed -e 's|.*/lib\(absl_[a-z0-9_]*\)\.so|-l\1|')
echo "fuzz: building the $target fuzzer with clang++-14 -fsanitize=fuzzer,address"
# shellcheck disable=SC2086
extra=""
[ "$target" = ipc ] && extra="-I$out/gen -lprotobuf"
# shellcheck disable=SC2086
clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address -fno-omit-frame-pointer -I. $extra \
  $srcs $libs -o "$out/${target}_fuzzer"

# Seeds of the text target: the .wast files and the .wat files (text-form
# assertion modules) wast2json extracts from them.
if [ "$target" = text ]; then
  mkdir -p "$out/seeds-text"
  if [ -z "$(ls -A "$out/seeds-text")" ]; then
    tmp=$(mktemp -d)
    for f in ../shared/spec-testsuite/core/*.wast; do
      wast2json "$f" -o "$tmp/$(basename "$f" .wast).json" >/dev/null 2>&1 || true
      cp "$f" "$out/seeds-text/"
    done
    find "$tmp" -name '*.wat' -exec cp {} "$out/seeds-text/" \;
    rm -rf "$tmp"
  fi
fi
seeds="$out/seeds"
[ "$target" = text ] && seeds="$out/seeds-text"

# Seeds of the ipc target: framed records of well-formed envelopes
# (protoc --encode), one file per scenario.
if [ "$target" = ipc ]; then
  seeds="$out/seeds-ipc"
  mkdir -p "$seeds"
  record() {  # TEXT -> [u16 length][tag 0][Envelope bytes]
    local bytes
    bytes=$(mktemp)
    printf '\0' > "$bytes"
    echo "$1" | protoc -I. --encode=wasm.ipc.Envelope ipc/messages.proto >> "$bytes"
    local n
    n=$(stat -c %s "$bytes")
    printf "\\$(printf %03o $((n & 255)))\\$(printf %03o $((n >> 8)))"
    cat "$bytes"
    rm -f "$bytes"
  }
  record 'reply_to: 1 values { values: 3 }' > "$seeds/values"
  { record 'id: 7 call_import { handle: 1 args: 5 }'; record 'reply_to: 7 ok {}'
    record 'reply_to: 1 values { values: 9 }'; } > "$seeds/import-then-reply"
  record 'reply_to: 1 trap { kind: 3 message: "integer divide by zero" }' > "$seeds/trap"
  record 'reply_to: 1 error { kind: LINK message: "unknown import" }' > "$seeds/error"
  record 'reply_to: 1 table_element { handle: 2 signature { params: "\x7f" results: "\x7f" } }' > "$seeds/table"
  record 'reply_to: 99 values { values: 1 }' > "$seeds/bad-reply"
  record 'id: 3 call_import { handle: 42 }' > "$seeds/unknown-handle"
  # Socket mode: a leading mode byte 0 before the records.
  for f in "$seeds"/*; do
    { printf '\0'; cat "$f"; } > "$f.framed" && mv "$f.framed" "$f"
  done
  le() {  # VALUE BYTES -> little-endian bytes
    local v=$1 i
    for ((i = 0; i < $2; i++)); do printf "\\$(printf %03o $(((v >> (8 * i)) & 255)))"; done
  }
  ring_seed() {  # TEXT -> mode 1, head, the ring's bytes: one record holding the Envelope
    local bytes n
    bytes=$(mktemp)
    echo "$1" | protoc -I. --encode=wasm.ipc.Envelope ipc/messages.proto > "$bytes"
    n=$(stat -c %s "$bytes")
    printf '\1'; le $((n + 4)) 8; le $((n + 4)) 2; le "$n" 4; cat "$bytes"
    rm -f "$bytes"
  }
  ring_seed 'reply_to: 1 values { values: 3 }' > "$seeds/ring-values"
  ring_seed 'id: 7 call_import { handle: 1 args: 5 }' > "$seeds/ring-import"
fi

# Seeds: every module the spec suite's core/ files contain (converted once).
if [ "$target" != text ] && [ -z "$(ls -A "$out/seeds")" ]; then
  suite="../shared/spec-testsuite/core"
  tmp=$(mktemp -d)
  for f in "$suite"/*.wast; do
    wast2json "$f" -o "$tmp/$(basename "$f" .wast).json" >/dev/null 2>&1 || true
  done
  find "$tmp" -name '*.wasm' -exec cp {} "$out/seeds/" \;
  cp runtime/fuzz/regressions/* "$out/seeds/" 2>/dev/null || true
  rm -rf "$tmp"
fi
echo "fuzz: $(ls "$seeds" | wc -l) seeds, running for ${seconds}s"

status=0
"$out/${target}_fuzzer" "$out/corpus-$target" "$seeds" -max_total_time="$seconds" \
  -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$out/artifacts/$target-" >"$out/log-$target.txt" 2>&1 || status=$?
grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$out/log-$target.txt" || true
if [ "$status" -ne 0 ]; then
  echo "fuzz: the fuzzer failed (exit $status); the end of its log:"
  tail -40 "$out/log-$target.txt"
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi
echo "fuzz: 1 passed, 0 failed"
