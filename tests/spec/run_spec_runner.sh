#!/bin/sh
# Test driver for spec_runner: runs `$1 "$@"` (the runner and its arguments,
# paths relative to the runfiles tree, where Bazel starts tests) and passes iff
# the runner exits 0. The runner's output, including its last line
# `spec: P passed, F failed, S skipped`, goes to the test log.
set -u
runner="$1"
shift
exec "$runner" "$@"
