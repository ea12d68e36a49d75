// The `jit` engine: modules are compiled by the JIT (runtime/jit/) and run
// in this process, with the standard "spectest" host module. No sandbox:
// that is the `sandbox` engine (issue 4).
#ifndef TESTS_SPEC_JIT_ENGINE_H_
#define TESTS_SPEC_JIT_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "runtime/instance/imports.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/jit/jit_instance.h"
#include "tests/spec/engine.h"

namespace wasm::spec {

class JitEngine : public Engine {
 public:
  // `tier`: which compiler makes the code (engine "jit": the optimising
  // one; "jit-baseline": the baseline tier alone, no fall-back).
  explicit JitEngine(CompileOptions::Tier tier = CompileOptions::Tier::kOptimizing);

  absl::string_view Name() const override {
    return tier_ == CompileOptions::Tier::kOptimizing ? "jit" : "jit-baseline";
  }
  absl::Status Compile(std::vector<uint8_t> bytes) override;
  absl::Status Instantiate(std::vector<uint8_t> bytes,
                           const std::optional<std::string>& name) override;
  absl::Status Register(const std::optional<std::string>& name, absl::string_view as) override;
  absl::StatusOr<std::vector<Value>> Invoke(const Action& action) override;
  absl::StatusOr<Value> Get(const Action& action) override;

 private:
  const CompileOptions::Tier tier_;
  absl::StatusOr<JitInstance*> Find(const std::optional<std::string>& name);

  absl::Status setup_;  // the spectest module's definition
  Imports imports_;
  // Every instance stays alive: others may import its functions and tables.
  Store store_;
  absl::flat_hash_map<std::string, JitInstance*> named_;
  JitInstance* current_ = nullptr;
};

}  // namespace wasm::spec

#endif  // TESTS_SPEC_JIT_ENGINE_H_
