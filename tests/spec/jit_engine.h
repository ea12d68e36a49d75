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
#include "runtime/jit/jit_instance.h"
#include "tests/spec/engine.h"

namespace wasm::spec {

class JitEngine : public Engine {
 public:
  JitEngine();

  absl::string_view Name() const override { return "jit"; }
  absl::Status Compile(std::vector<uint8_t> bytes) override;
  absl::Status Instantiate(std::vector<uint8_t> bytes,
                           const std::optional<std::string>& name) override;
  absl::Status Register(const std::optional<std::string>& name, absl::string_view as) override;
  absl::StatusOr<std::vector<Value>> Invoke(const Action& action) override;
  absl::StatusOr<Value> Get(const Action& action) override;

 private:
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
