#!/usr/bin/env bash
# Installs the Debian 12 packages that the build and the tests need, if missing.
# Idempotent and quiet when everything is already installed; runs apt-get update
# only when something has to be installed. Root, or a user with sudo.
set -euo pipefail

packages=(
  bazel-bootstrap       # Bazel 4.2.3, the `bazel` command
  bazel-rules-java      # @rules_java, see WORKSPACE
  g++                   # the C++ toolchain Bazel configures
  libabsl-dev           # //third_party:absl
  libprotobuf-dev       # //third_party:protobuf
  protobuf-compiler     # protoc, for //third_party:proto.bzl
  libseccomp-dev        # //third_party:seccomp
  libgtest-dev          # //third_party:gtest
  libgmock-dev          # //third_party:gtest (gmock)
  libbenchmark-dev      # //third_party:benchmark
  wabt                  # wast2json, for the spec testsuite
  clang-14              # compiles test plugins to wasm32
  lld-14                # links them (wasm-ld-14)
  wasi-libc             # the C library for wasm32-wasi test programs
  libclang-rt-14-dev-wasm32  # compiler-rt builtins for wasm32
  libclang-rt-14-dev    # libFuzzer and sanitizer runtimes, for tools/fuzz.sh
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "setup.sh: missing packages: ${missing[*]}; run as root or install sudo" >&2
  exit 1
fi

echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >/dev/null
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
