#!/bin/bash
# plugin-run end to end: results, exit codes, one clear line per mistake.
set -uo pipefail
run="$1"
dir="$(dirname "$(readlink -f "$run")")"
math_wasm="$(find -L . -path '*plugins/examples/math.wasm' | head -n 1)"
math_wat="$(find -L . -path '*plugins/examples/math.wat' | head -n 1)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
checks=0

# expect CODE STDOUT_SUBSTRING STDERR_SUBSTRING -- ARGS...
expect() {
  local code="$1" want_out="$2" want_err="$3"
  shift 4
  checks=$((checks + 1))
  "$run" "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  local ok=1
  [ "$got" = "$code" ] || ok=0
  if [ -n "$want_out" ] && ! grep -qF -- "$want_out" "$tmp/out"; then ok=0; fi
  if [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$tmp/err"; then ok=0; fi
  if grep -qE "terminate called|Aborted|core dumped" "$tmp/err"; then ok=0; fi
  if [ "$ok" = 0 ]; then
    echo "FAILED: plugin-run $* -> exit $got (expected $code)"
    echo "  stdout: $(cat "$tmp/out")"
    echo "  stderr: $(cat "$tmp/err")"
    failures=$((failures + 1))
  fi
}

expect 0 "3" "" -- --invoke add "$math_wasm" 1 2
expect 0 "3" "" -- --invoke add "$math_wat" 1 2
expect 0 "-2" "" -- --invoke add "$math_wasm" 0xffffffff -1
expect 0 "2432902008176640000" "" -- --invoke fac "$math_wat" 20
expect 0 "3" "" -- --invoke scale "$math_wat" 1.5 -inf
expect 0 "inf" "" -- --invoke scale "$math_wat" 1.5 -inf
expect 0 "nan" "" -- --invoke scale "$math_wat" nan 1
expect 1 "" "trap: integer divide by zero" -- --invoke div "$math_wat" 1 0
expect 1 "" "at func 2 <divide> +0x" -- --invoke div "$math_wasm" 1 0
expect 1 "" "at func 2 <divide> +0x" -- --invoke div "$math_wat" 1 0
expect 2 "" "no exported function \"nope\"" -- --invoke nope "$math_wasm"
expect 2 "" "add: func (i32, i32) -> (i32)" -- "$math_wasm"
expect 2 "" "no _start export" -- "$math_wasm"
expect 2 "" "takes 2 arguments, got 1" -- --invoke add "$math_wasm" 1
expect 2 "" "invalid i32 argument \"abc\"" -- --invoke add "$math_wasm" abc 1
expect 2 "" "invalid i32 argument \"4294967296\": out of range" -- --invoke add "$math_wasm" 4294967296 1
expect 2 "" "unknown option --frobnicate" -- --frobnicate "$math_wasm"
expect 2 "" "no FILE given" --
expect 3 "" "cannot open the file" -- --invoke add "$tmp/missing.wasm"
expect 3 "" "not a regular file" -- "$tmp"
echo "hello" > "$tmp/hello.txt"
expect 3 "" "not a WebAssembly module" -- "$tmp/hello.txt"
printf '\0asm\1\0\0\0\1' > "$tmp/truncated.wasm"
expect 3 "" "truncated.wasm: at byte 0x9" -- "$tmp/truncated.wasm"
echo '(module (func (export "f") (result i32) (i64.const 1)))' > "$tmp/invalid.wat"
expect 3 "" "type mismatch" -- --invoke f "$tmp/invalid.wat"
echo '(module (func (export "f") (i32.frob)))' > "$tmp/malformed.wat"
expect 3 "" "unknown operator" -- --invoke f "$tmp/malformed.wat"
echo '(module (import "env" "f" (func)) (func (export "_start") (call 0)))' > "$tmp/needs.wat"
expect 3 "" "unknown import" -- "$tmp/needs.wat"
expect 4 "" "plugin-run: limit: interrupted" -- --timeout 300ms --invoke spin "$math_wat"
expect 4 "" "<spin>" -- --timeout 300ms --invoke spin "$math_wasm"
expect 2 "" "--timeout: not a duration" -- --timeout soon --invoke spin "$math_wat"
# --max-memory: growth past the cap fails in wasm (-1), a bad size is a usage error.
expect 0 "1" "" -- --invoke grow "$math_wat" 20
expect 0 "-1" "" -- --max-memory 1MiB --invoke grow "$math_wat" 20
expect 0 "1" "" -- --max-memory 2MiB --invoke grow "$math_wat" 20
expect 2 "" "--max-memory: not a size" -- --max-memory lots --invoke grow "$math_wat" 1
expect 0 "" "worker " -- --stats --invoke grow "$math_wat" 1
if [ "$(nproc)" -gt 1 ]; then
  expect 0 "" "JIT: tiered, optimised code " -- --stats --invoke grow "$math_wat" 1
fi
expect 0 "" "JIT: optimizing" -- --stats --tier=optimizing --invoke grow "$math_wat" 1
expect 0 "" "JIT: baseline (0 functions left to the optimising compiler)" -- --stats --tier=baseline --invoke grow "$math_wat" 1

# --tier: the baseline JIT tier (a one-pass compiler) in the worker; a bad
# tier is a usage error with one line saying what is accepted.
expect 0 "3" "" -- --tier=baseline --invoke add "$math_wasm" 1 2
expect 0 "2432902008176640000" "" -- --tier baseline --invoke fac "$math_wat" 20
expect 0 "3" "" -- --tier=optimizing --invoke add "$math_wat" 1 2
expect 1 "" "at func 2 <divide> +0x" -- --tier=baseline --invoke div "$math_wasm" 1 0
# The trap's offset in its function differs between the tiers: the tier
# reached the worker's compiler.
checks=$((checks + 1))
"$run" --tier=baseline --invoke div "$math_wasm" 1 0 >/dev/null 2>"$tmp/baseline_trap"
"$run" --tier=optimizing --invoke div "$math_wasm" 1 0 >/dev/null 2>"$tmp/optimizing_trap"
if ! grep -q "<divide> +0x" "$tmp/baseline_trap" || cmp -s "$tmp/baseline_trap" "$tmp/optimizing_trap"; then
  echo "FAILED: --tier=baseline traps exactly where --tier=optimizing does:"
  cat "$tmp/baseline_trap" "$tmp/optimizing_trap"; failures=$((failures + 1))
fi
expect 0 "3" "" -- --tier=baseline --preload "math=$math_wasm" --invoke main "$(find -L . -path '*tools/testdata/app.wat' | head -n 1)" 1 2
expect 0 "2432902008176640000" "" -- --tier=tiered --invoke fac "$math_wat" 20
expect 2 "" "plugin-run: error: --tier: expected tiered, optimizing or baseline, got \"fast\"" -- --tier=fast --invoke add "$math_wasm" 1 2
checks=$((checks + 1))
if [ "$(wc -l < "$tmp/err")" != 1 ] || [ -s "$tmp/out" ]; then
  echo "FAILED: --tier=fast: not exactly one line on stderr:"; cat "$tmp/out" "$tmp/err"; failures=$((failures + 1))
fi
expect 2 "" "--tier: expected tiered, optimizing or baseline, got \"\"" -- --tier= --invoke add "$math_wasm" 1 2
expect 2 "" "--tier needs a value" -- --tier
expect 2 "" "unknown option --stats=yes" -- --stats=yes --invoke add "$math_wasm" 1 2
expect 0 "--tier TIER" "" -- --help

# --preload: linking across workers.
app="$(find -L . -path '*tools/testdata/app.wat' | head -n 1)"
expect 0 "42" "" -- --preload "math=$math_wasm" --invoke main "$app" 40 2
expect 3 "" "unknown import" -- --invoke main "$app" 40 2
expect 3 "" "nothing.wasm: cannot open the file" -- --preload "math=$tmp/nothing.wasm" --invoke main "$app" 1 2
expect 2 "" "--preload: expected NAME=FILE" -- --preload math --invoke main "$app" 1 2

# WASI commands.
hello_wat="$(find -L . -path '*plugins/examples/hello.wat' | head -n 1)"
expect 0 "Hello, world!" "" -- "$hello_wat"
wasi() { find -L . -path "*plugins/wasi/$1.wasm" | head -n 1; }
expect 0 "Hello, world!" "" -- "$(wasi hello)"
expect 2 "arg 2: two words" "" -- --env GREETING=hi "$(wasi echo)" one "two words"
expect 2 "GREETING=hi" "" -- --env GREETING=hi "$(wasi echo)" one "two words"
expect 0 "GREETING=(unset)" "" -- "$(wasi echo)"
expect 2 "" "--env: expected KEY=VALUE" -- --env NOPE "$(wasi echo)"
checks=$((checks + 1))
out="$(printf 'some input\nmore' | "$run" "$(wasi cat)" 2>"$tmp/err")"
if [ "$out" != "$(printf 'some input\nmore')" ] || ! grep -q "^15 bytes$" "$tmp/err"; then
  echo "FAILED: cat through stdin/stdout: '$out' / $(cat "$tmp/err")"; failures=$((failures + 1))
fi
expect 1 "about to divide by zero" "trap: integer divide by zero" -- "$(wasi crash)"
expect 1 "" "<divide>" -- "$(wasi crash)"
# Files inside a preopened directory; escapes refused.
box="$tmp/box"
mkdir -p "$box"
printf 'hello file\n' > "$box/in.txt"
printf 'secret\n' > "$tmp/outside.txt"
ln -s /etc/passwd "$box/link_out"
expect 0 "copied 11 bytes" "" -- --dir "$box::/box" "$(wasi files)" /box
checks=$((checks + 1))
if [ "$(cat "$box/sub/moved.txt" 2>/dev/null)" != "hello file" ] || [ -e "$box/in.txt" ] ||
   ! grep -q "sub contains moved.txt" "$tmp/out" || ! grep -q "moved.txt has 11 bytes" "$tmp/out" ||
   [ "$(grep -c ': blocked' "$tmp/out")" != 4 ] || grep -q "OPENED" "$tmp/out"; then
  echo "FAILED: files in --dir:"; cat "$tmp/out"; failures=$((failures + 1))
fi
expect 2 "" "--dir $tmp/nowhere: cannot open the directory" -- --dir "$tmp/nowhere" "$(wasi files)" /x
expect 1 "" "" -- "$(wasi files)" /box
expect 0 "Usage: plugin-run" "" -- --help
expect 0 "plugin-run " "" -- --version
expect 0 "3" "plugin-run: stats: compile" -- --stats --invoke add "$math_wasm" 1 2

echo "plugin-run: $((checks - failures)) of $checks checks passed"
[ "$failures" = 0 ]
