// The engines the runner knows by name (--engine=NAME). A new engine is one
// more entry in engines.cc.
//
//   absl::StatusOr<std::unique_ptr<Engine>> engine = MakeEngine("validate");
#ifndef TESTS_SPEC_ENGINES_H_
#define TESTS_SPEC_ENGINES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tests/spec/engine.h"

namespace wasm::spec {

// The names MakeEngine accepts, for usage messages.
std::vector<std::string> EngineNames();

// A fresh engine (one per script). NotFoundError for an unknown name.
absl::StatusOr<std::unique_ptr<Engine>> MakeEngine(absl::string_view name);

}  // namespace wasm::spec

#endif  // TESTS_SPEC_ENGINES_H_
