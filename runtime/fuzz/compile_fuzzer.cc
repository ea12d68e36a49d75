// libFuzzer entry point over the whole compiler: decode, validate, and for
// valid modules the JIT (translate, optimise, lower, allocate, emit, map).
// Nothing is executed. Built with clang by tools/fuzz.sh compile.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "runtime/jit/compiled_module.h"
#include "runtime/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<std::shared_ptr<const wasm::Module>> module =
      wasm::CompileModule(std::vector<uint8_t>(data, data + size));
  if (!module.ok()) return 0;
  absl::StatusOr<std::shared_ptr<const wasm::CompiledModule>> code =
      wasm::CompiledModule::Compile(*module);
  if (!code.ok()) {
    // A validated module must always compile: anything else is a JIT bug.
    std::fprintf(stderr, "valid module failed to compile: %s\n", code.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
