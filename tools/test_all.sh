#!/usr/bin/env bash
# The project's test command (README, .ci/run):
#
#   tools/test_all.sh                                  # everything: //...
#   tools/test_all.sh -- //... -//runtime/...          # or any target patterns
#
# Installs missing Debian packages (tools/setup.sh), runs `bazel test`, then
# counts test CASES, not targets, and ends with exactly one line
#
#   tests: N passed, M failed
#
# as its last line of output. Exit status is non-zero if M > 0 or Bazel failed.
#
# How a target is counted (targets = `bazel query 'tests(<patterns>)'` minus
# tags=["manual"], so logs of deleted targets are never read):
#   1. If Bazel gave it no result in this run (FAILED TO BUILD, NO STATUS, ...):
#      1 failed. Its old logs, if any, are stale and ignored.
#   2. Else, if its test.log has lines `spec: P passed, F failed, S skipped`
#      (the spec-testsuite runner), the LAST such line gives P passed, F failed.
#   3. Else, from its test.xml: each <testcase> is one case; it failed if it
#      contains <failure or <error, it is not counted if skipped or disabled
#      (status="notrun", result="skipped"/"suppressed", or <skipped); otherwise
#      it passed. (For a non-GoogleTest target Bazel writes a test.xml with one
#      testcase for the whole target.)
#   4. A target that Bazel reports as failed (FAILED, TIMEOUT, crashed) counts
#      at least 1 failed even when its log shows no failing case.
# Sharded or repeated targets: the counts of all their shards/runs are summed.
# With the default patterns, tools/fuzz.sh then fuzzes decoder + validator and
# the whole compiler for FUZZ_SECONDS each (default 60; 0 skips them), each run
# one more test case.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

final() {  # final <passed> <failed> <exit status>
  echo "tests: $1 passed, $2 failed"
  exit "$3"
}

if ! bash tools/setup.sh; then
  echo "test_all.sh: tools/setup.sh failed" >&2
  final 0 1 1
fi

[ "${1:-}" = "--" ] && shift
patterns=("$@")
[ ${#patterns[@]} -eq 0 ] && patterns=("//...")

flags=(--test_output=errors --test_summary=short --keep_going)
if [ "${CI:-}" = true ]; then
  flags+=(--curses=no --color=no --show_progress_rate_limit=30)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- run the tests -----------------------------------------------------------
bazel test "${flags[@]}" --build_event_json_file="$tmp/bep.json" -- "${patterns[@]}"
bazel_rc=$?
touch "$tmp/bep.json"
# 0: all passed; 3: some test failed; 4: built fine but there are no tests.
bazel_ok=1
case $bazel_rc in
  0 | 3 | 4) ;;
  *) bazel_ok=0 ;;
esac

# --- which targets, with what status ------------------------------------------
# Query expression for the patterns: "a b -c" -> "a + b - c".
expr=""
for p in "${patterns[@]}"; do
  if [[ $p == -* ]]; then
    expr="$expr - ${p#-}"
  else
    expr="${expr:+$expr + }$p"
  fi
done
bazel query --keep_going --noshow_progress \
  "tests($expr) except attr(tags, '[\[ ]manual[,\]]', $expr)" \
  >"$tmp/targets" 2>"$tmp/query.err"
query_rc=$?
if [ $query_rc -ne 0 ] && [ $query_rc -ne 3 ]; then
  cat "$tmp/query.err" >&2
  echo "test_all.sh: bazel query failed with status $query_rc"
  bazel_ok=0
fi

# Status and log files of each test, from the Build Event Protocol file (one
# JSON event per line): a testSummary event per target with its overallStatus,
# a testResult event per shard/run/attempt; the final attempt's log is test.log
# (earlier attempts of a flaky test are test_attempts/attempt_N.log). Reading the
# logs named there, and no others, keeps stale files in bazel-testlogs (from
# deleted targets, or a target that was sharded before) out of the count.
status_of() {  # status_of <label>: PASSED, FAILED, TIMEOUT, ... or nothing
  local s
  s=$(grep -F "{\"id\":{\"testSummary\":{\"label\":\"$1\"," "$tmp/bep.json" |
    grep -o '"overallStatus":"[A-Z_]*"' | tail -n 1 | cut -d'"' -f4)
  if [ -z "$s" ] &&
    grep -F "{\"id\":{\"targetCompleted\":{\"label\":\"$1\"," "$tmp/bep.json" |
      grep -qv '"success":true'; then
    s=FAILED_TO_BUILD
  fi
  echo "$s"
}
logs_of() {  # logs_of <label>: the final test.log of each shard/run
  grep -F "{\"id\":{\"testResult\":{\"label\":\"$1\"," "$tmp/bep.json" |
    grep -o '"name":"test.log","uri":"file://[^"]*/test\.log"' |
    sed -e 's|^.*"uri":"file://||' -e 's|"$||' | sort -u
}

# Prints "<passed> <failed>" for one test.xml.
count_xml() {
  awk 'BEGIN { RS = "\001" }  # the whole file is one record
       { xml = xml $0 }
       END {
         # Drop CDATA sections: failure messages may contain any text.
         kept = ""
         while ((i = index(xml, "<![CDATA[")) > 0) {
           kept = kept substr(xml, 1, i - 1)
           xml = substr(xml, i + 9)
           j = index(xml, "]]>")
           xml = j ? substr(xml, j + 3) : ""
         }
         xml = kept xml
         n = split(xml, parts, /<testcase[ \t\n>]/)
         p = 0; f = 0
         for (k = 2; k <= n; k++) {
           c = parts[k]
           # The element runs to its "/>" or to "</testcase>".
           start = index(c, ">")
           head = substr(c, 1, start)
           if (substr(head, start - 1, 1) == "/") body = ""
           else {
             end = index(c, "</testcase>")
             body = end ? substr(c, start, end - start) : substr(c, start)
           }
           if (head ~ /status="notrun"|result="skipped"|result="suppressed"/ ||
               body ~ /<skipped/) continue
           if (body ~ /<failure|<error/) f++
           else p++
         }
         print p, f
       }' "$1"
}

total_p=0
total_f=0
printf '\n%-60s %-16s %s\n' "TARGET" "STATUS" "CASES"
sort -u "$tmp/targets" | while read -r target; do
  [ -n "$target" ] || continue
  status=$(status_of "$target")
  status=${status:-NO_STATUS}
  p=0
  f=0
  how=""
  case $status in
    PASSED | FAILED | FLAKY | TIMEOUT)
      while read -r log; do
        [ -n "$log" ] || continue
        unit=$(dirname "$log")
        spec=$(grep -E '^spec: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$log" | tail -n 1)
        if [ -n "$spec" ]; then
          read -r up uf < <(sed -E 's/^spec: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"$spec")
          how="spec"
        elif [ -f "$unit/test.xml" ]; then
          read -r up uf < <(count_xml "$unit/test.xml")
          how="${how:-xml}"
        else
          continue
        fi
        p=$((p + up))
        f=$((f + uf))
      done < <(logs_of "$target")
      if [ "$status" != PASSED ] && [ "$status" != FLAKY ] && [ "$f" -eq 0 ]; then
        f=1
        how="${how:+$how, }target failed"
      fi
      ;;
    *)
      f=1
      how="no result"
      ;;
  esac
  printf '%-60s %-16s %d passed, %d failed%s\n' "$target" "${status//_/ }" "$p" "$f" "${how:+ ($how)}"
  echo "$p $f" >>"$tmp/counts"
done

if [ -f "$tmp/counts" ]; then
  read -r total_p total_f < <(awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }' "$tmp/counts")
fi

# --- the fuzzer ----------------------------------------------------------------
# Bounded libFuzzer runs (tools/fuzz.sh): decoder + validator, then the whole
# compiler (decode, validate, JIT compile; nothing executed), then the
# broker's handling of hostile worker messages (half the time): a test case
# each.
# Runs with the default target patterns only; FUZZ_SECONDS=0 turns it off.
fuzz_seconds="${FUZZ_SECONDS:-60}"
if [ "${patterns[*]}" = "//..." ] && [ "$fuzz_seconds" != 0 ]; then
  echo
  for fuzz_target in decode compile ipc; do
    seconds="$fuzz_seconds"
    [ "$fuzz_target" = ipc ] && seconds=$(( (fuzz_seconds + 1) / 2 ))
    if bash tools/fuzz.sh "$seconds" "$fuzz_target"; then
      total_p=$((total_p + 1))
    else
      total_f=$((total_f + 1))
    fi
  done
fi

if [ "$bazel_rc" -ne 0 ] && [ "$bazel_rc" -ne 3 ] && [ "$bazel_rc" -ne 4 ]; then
  echo "test_all.sh: bazel test failed with status $bazel_rc (build failure?)"
fi
rc=0
if [ "$total_f" -gt 0 ] || [ $bazel_ok -ne 1 ]; then
  rc=1
fi
final "$total_p" "$total_f" "$rc"
