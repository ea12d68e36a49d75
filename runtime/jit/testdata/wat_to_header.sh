#!/bin/bash
# Converts .wat files to a C++ header of wasm byte arrays (with a name
# section: wat2wasm --debug-names), keyed by file name without extension:
# wat_to_header.sh OUT.h IN.wat...
set -euo pipefail
out="$1"
shift
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
{
  echo "// Generated from runtime/jit/testdata/*.wat by wat_to_header.sh. Do not edit."
  echo "#ifndef RUNTIME_JIT_TEST_MODULES_H_"
  echo "#define RUNTIME_JIT_TEST_MODULES_H_"
  echo "#include <cstdint>"
  echo "#include <map>"
  echo "#include <string>"
  echo "#include <vector>"
  echo "namespace wasm::jit_testing {"
  echo "inline const std::map<std::string, std::vector<uint8_t>>& WatModules() {"
  echo "  static const auto* const modules = new std::map<std::string, std::vector<uint8_t>>{"
  for wat in "$@"; do
    name="$(basename "$wat" .wat)"
    wat2wasm --debug-names "$wat" -o "$tmp"
    printf '    {"%s", {' "$name"
    od -An -v -tx1 "$tmp" | tr -s ' \n' ' ' | sed -e 's/^ //' -e 's/ $//' -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'
    echo '}},'
  done
  echo "  };"
  echo "  return *modules;"
  echo "}"
  echo "}  // namespace wasm::jit_testing"
  echo "#endif  // RUNTIME_JIT_TEST_MODULES_H_"
} > "$out"
