// The two-level import map.
#include "runtime/instance/imports.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace wasm {

absl::Status Imports::Define(absl::string_view module, absl::string_view name, Extern value,
                             OnDuplicate on_duplicate) {
  auto& fields = modules_[module];
  auto it = fields.find(name);
  if (it != fields.end()) {
    if (on_duplicate == OnDuplicate::kFail) {
      return absl::AlreadyExistsError(
          absl::StrCat("import ", module, ".", name, " is already defined"));
    }
    it->second = std::move(value);
    return absl::OkStatus();
  }
  fields.emplace(name, std::move(value));
  return absl::OkStatus();
}

const Extern* Imports::Resolve(absl::string_view module, absl::string_view name) const {
  auto m = modules_.find(module);
  if (m == modules_.end()) return nullptr;
  auto f = m->second.find(name);
  if (f == m->second.end()) return nullptr;
  return &f->second;
}

size_t Imports::size() const {
  size_t n = 0;
  for (const auto& [module, fields] : modules_) n += fields.size();
  return n;
}

}  // namespace wasm
