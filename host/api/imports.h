// ImportObject: the two-level namespace an instance's imports are resolved
// in — module name -> field name -> Function / Memory / Table / Global, like
// the JS API's importObject.
//
//   ImportObject imports;
//   imports.Define("my_namespace", "imported_func", Function::Host(...));
//   imports.Define("js", "mem", memory);
//
// A missing import, or one of the wrong kind or type, is a LinkError naming
// it when the module is instantiated.
#ifndef HOST_API_IMPORTS_H_
#define HOST_API_IMPORTS_H_

#include <map>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/string_view.h"
#include "host/api/function.h"
#include "host/api/global.h"
#include "host/api/memory.h"
#include "host/api/table.h"

namespace wasm::api {

using Extern = std::variant<Function, Memory, Table, Global>;

class ImportObject {
 public:
  // Adds or replaces (module, name).
  void Define(absl::string_view module, absl::string_view name, Extern value) {
    entries_.insert_or_assign({std::string(module), std::string(name)}, std::move(value));
  }
  // Null when absent.
  const Extern* Find(absl::string_view module, absl::string_view name) const {
    auto it = entries_.find({std::string(module), std::string(name)});
    return it == entries_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::pair<std::string, std::string>, Extern> entries_;
};

}  // namespace wasm::api

#endif  // HOST_API_IMPORTS_H_
