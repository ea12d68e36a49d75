// The `validate` engine: decode + validate only, through wasm::CompileModule,
// the broker's entry point. It checks that every module the suite defines
// compiles and every assert_malformed / assert_invalid module does not;
// instantiation, registration and execution are UnsupportedError, so the
// runner skips those commands.
//
//   ValidateEngine engine;
//   absl::Status status = engine.Compile(bytes);  // wasm::GetErrorKind(status)
#ifndef TESTS_SPEC_VALIDATE_ENGINE_H_
#define TESTS_SPEC_VALIDATE_ENGINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tests/spec/engine.h"
#include "tests/spec/spec_script.h"

namespace wasm::spec {

class ValidateEngine final : public Engine {
 public:
  absl::string_view Name() const override { return "validate"; }
  absl::Status Compile(std::vector<uint8_t> bytes) override;
  absl::Status Instantiate(std::vector<uint8_t> bytes,
                           const std::optional<std::string>& name) override;
  absl::Status Register(const std::optional<std::string>& name, absl::string_view as) override;
  absl::StatusOr<std::vector<Value>> Invoke(const Action& action) override;
  absl::StatusOr<Value> Get(const Action& action) override;
};

}  // namespace wasm::spec

#endif  // TESTS_SPEC_VALIDATE_ENGINE_H_
