// Looks up and compiles the generated test modules.
#include "runtime/instance/test_util.h"

#include "absl/strings/str_cat.h"
#include "runtime/instance/test_modules.h"
#include "runtime/validator.h"

namespace wasm::testing {

absl::StatusOr<std::shared_ptr<const Module>> CompileTestModule(const std::string& name) {
  auto it = WatModules().find(name);
  if (it == WatModules().end()) {
    return absl::NotFoundError(absl::StrCat("no testdata/", name, ".wat"));
  }
  return CompileModule(it->second);
}

}  // namespace wasm::testing
