// Runtime builtins: operations the generated code calls into the runtime for,
// because they need the instance's tables, segments or allocator. The IR
// names them in call_builtin; the backend calls a C++ function per id.
#ifndef RUNTIME_IR_BUILTINS_H_
#define RUNTIME_IR_BUILTINS_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace wasm::ir {

// BUILTIN(Name, "text", params, results) — params/results as type letters
// (i = i32, r = reference as i64).
#define IR_BUILTINS(BUILTIN)                   \
  BUILTIN(MemorySize, "memory_size", "", "i")   \
  BUILTIN(MemoryGrow, "memory_grow", "i", "i")  \
  BUILTIN(MemoryCopy, "memory_copy", "iii", "") \
  BUILTIN(MemoryFill, "memory_fill", "iii", "") \
  BUILTIN(MemoryInit, "memory_init", "iii", "") \
  BUILTIN(DataDrop, "data_drop", "", "")        \
  BUILTIN(TableGet, "table_get", "i", "r")      \
  BUILTIN(TableSet, "table_set", "ir", "")      \
  BUILTIN(TableSize, "table_size", "", "i")     \
  BUILTIN(TableGrow, "table_grow", "ri", "i")   \
  BUILTIN(TableFill, "table_fill", "iri", "")   \
  BUILTIN(TableCopy, "table_copy", "iiii", "")  \
  BUILTIN(TableInit, "table_init", "iiii", "")  \
  BUILTIN(ElemDrop, "elem_drop", "", "")        \
  BUILTIN(RefFunc, "ref_func", "", "r")

enum class Builtin : uint32_t {
#define IR_BUILTIN_ENUM(name, text, params, results) k##name,
  IR_BUILTINS(IR_BUILTIN_ENUM)
#undef IR_BUILTIN_ENUM
};

absl::string_view BuiltinName(Builtin b);
// Parameter and result type letters, as in the table.
absl::string_view BuiltinParams(Builtin b);
absl::string_view BuiltinResults(Builtin b);

}  // namespace wasm::ir

#endif  // RUNTIME_IR_BUILTINS_H_
