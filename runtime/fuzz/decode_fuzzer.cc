// libFuzzer entry point over the decoder and validator. Built with
// clang -fsanitize=fuzzer,address by tools/fuzz.sh (not by Bazel's default gcc
// toolchain); seeded with the spec testsuite's modules.
#include <cstddef>
#include <cstdint>

#include "runtime/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wasm::FuzzDecodeAndValidate(data, size);
  return 0;
}
