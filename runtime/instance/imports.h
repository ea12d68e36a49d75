// Import resolution: where Instance::Create finds each import, by the
// two-level name (module, field) of the import section.
//
// ImportResolver is the interface instantiation asks; Imports is the plain
// two-level map that implements it, built by the host or the spec runner
// (`register "M"` = DefineInstanceExports("M", instance, &imports), see
// instance.h).
//
//   Imports imports;
//   RETURN_IF_ERROR(imports.Define("env", "memory", Extern::FromMemory(memory)));
//   RETURN_IF_ERROR(imports.Define("env", "log", Extern::FromHostFunction(log)));
//   ASSIGN_OR_RETURN(auto instance, Instance::Create(module, imports));
//
// Names are byte strings compared exactly (the spec's names are UTF-8, but
// matching is by bytes).
#ifndef RUNTIME_INSTANCE_IMPORTS_H_
#define RUNTIME_INSTANCE_IMPORTS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "runtime/instance/extern.h"

namespace wasm {

class ImportResolver {
 public:
  virtual ~ImportResolver() = default;
  // The extern named (module, name), or null when there is none. The pointer
  // stays valid while the resolver is neither modified nor destroyed.
  virtual const Extern* Resolve(absl::string_view module, absl::string_view name) const = 0;
};

class Imports : public ImportResolver {
 public:
  // Whether Define may replace an existing entry.
  enum class OnDuplicate { kFail, kReplace };

  // Adds (module, name) -> extern. AlreadyExists when the name is taken and
  // `on_duplicate` is kFail.
  absl::Status Define(absl::string_view module, absl::string_view name, Extern value,
                      OnDuplicate on_duplicate = OnDuplicate::kFail);

  const Extern* Resolve(absl::string_view module, absl::string_view name) const override;

  // How many (module, name) entries there are.
  size_t size() const;

 private:
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, Extern>> modules_;
};

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_IMPORTS_H_
