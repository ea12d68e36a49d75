// The engine registry: name -> factory.
#include "tests/spec/engines.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "tests/spec/engine.h"
#include "tests/spec/jit_engine.h"
#include "tests/spec/sandbox_engine.h"
#include "tests/spec/validate_engine.h"

namespace wasm::spec {
namespace {

struct EngineEntry {
  absl::string_view name;
  std::unique_ptr<Engine> (*make)();
};

constexpr EngineEntry kEngines[] = {
    {"validate", [] { return std::unique_ptr<Engine>(new ValidateEngine()); }},
    {"jit", [] { return std::unique_ptr<Engine>(new JitEngine()); }},
    {"jit-baseline",
     [] { return std::unique_ptr<Engine>(new JitEngine(CompileOptions::Tier::kBaselineOnly)); }},
    {"sandbox", [] { return std::unique_ptr<Engine>(new SandboxEngine()); }},
    {"sandbox-tiered",
     [] { return std::unique_ptr<Engine>(new SandboxEngine(ipc::LoadModule::TIERED)); }},
};

}  // namespace

std::vector<std::string> EngineNames() {
  std::vector<std::string> names;
  for (const EngineEntry& entry : kEngines) names.emplace_back(entry.name);
  return names;
}

absl::StatusOr<std::unique_ptr<Engine>> MakeEngine(absl::string_view name) {
  for (const EngineEntry& entry : kEngines) {
    if (entry.name == name) return entry.make();
  }
  return absl::NotFoundError(absl::StrCat(
      "unknown engine \"", name, "\" (available: ", absl::StrJoin(EngineNames(), ", "), ")"));
}

}  // namespace wasm::spec
