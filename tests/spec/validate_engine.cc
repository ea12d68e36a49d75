// The `validate` engine: compiles, and declines everything that needs an
// instance.
#include "tests/spec/validate_engine.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/validator.h"
#include "tests/spec/engine.h"
#include "tests/spec/spec_script.h"

namespace wasm::spec {

absl::Status ValidateEngine::Compile(std::vector<uint8_t> bytes) {
  return wasm::CompileModule(std::move(bytes)).status();
}

absl::Status ValidateEngine::Instantiate(std::vector<uint8_t> /*bytes*/,
                                         const std::optional<std::string>& /*name*/) {
  return UnsupportedError("the validate engine does not instantiate");
}

absl::Status ValidateEngine::Register(const std::optional<std::string>& /*name*/,
                                      absl::string_view /*as*/) {
  return UnsupportedError("the validate engine does not instantiate");
}

absl::StatusOr<std::vector<Value>> ValidateEngine::Invoke(const Action& /*action*/) {
  return UnsupportedError("the validate engine does not execute");
}

absl::StatusOr<Value> ValidateEngine::Get(const Action& /*action*/) {
  return UnsupportedError("the validate engine does not instantiate");
}

}  // namespace wasm::spec
