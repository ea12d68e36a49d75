// libFuzzer entry point over the whole compiler: decode, validate, and for
// valid modules both tiers of the JIT: the optimising compiler (translate,
// optimise, lower, allocate, emit, map) and the baseline tier alone.
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
  for (auto tier : {wasm::CompileOptions::Tier::kOptimizing,
                    wasm::CompileOptions::Tier::kBaselineOnly}) {
    absl::StatusOr<std::shared_ptr<const wasm::CompiledModule>> code =
        wasm::CompiledModule::Compile(*module, {.tier = tier});
    if (!code.ok()) {
      // A validated module must always compile: anything else is a JIT bug.
      std::fprintf(stderr, "valid module failed to compile (%s tier): %s\n",
                   tier == wasm::CompileOptions::Tier::kOptimizing ? "optimizing" : "baseline",
                   code.status().ToString().c_str());
      std::abort();
    }
  }
  return 0;
}
