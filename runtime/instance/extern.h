// Extern: one importable or exportable entity — a function, table, memory or
// global — as the instance runtime passes it between instances and the host.
//
// Tables, memories and globals are shared objects (std::shared_ptr): an
// instance that imports one keeps it alive and reads and writes the
// exporter's object itself, never a copy. A function is its FuncRef record;
// `owner` keeps a host function alive, while a wasm function's record lives
// as long as the instance that defines it (see instance.h on lifetimes).
//
//   Extern memory = Extern::FromMemory(std::move(linear_memory));
//   ASSIGN_OR_RETURN(Extern answer, Extern::NewGlobal({ValType::kI32, Mutability::kConst}, 42));
//   answer.global()->Get(ValType::kI32) == 42
//   answer.TypeString() == "global i32"
//
// Invariant: exactly the accessor of kind() returns non-null; the others
//   return null.
#ifndef RUNTIME_INSTANCE_EXTERN_H_
#define RUNTIME_INSTANCE_EXTERN_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "runtime/instance/host_function.h"
#include "runtime/instance/table.h"
#include "runtime/instance/vmcontext.h"
#include "runtime/types.h"
#include "runtime/vm/linear_memory.h"

namespace wasm {

class Extern {
 public:
  // A function given by its record (an instance's export); `owner`, if any,
  // is kept alive as long as the extern and whoever imports it.
  static Extern FromFunction(const FuncRef* func, std::shared_ptr<const void> owner = nullptr);
  static Extern FromHostFunction(std::shared_ptr<HostFunction> function);
  static Extern FromTable(std::shared_ptr<Table> table);
  static Extern FromMemory(std::shared_ptr<LinearMemory> memory);
  // A global whose value lives in `cell` (shared with its other users).
  static Extern FromGlobal(GlobalType type, std::shared_ptr<GlobalCell> cell);
  // A new global cell holding `bits` (GlobalCell::Set).
  static absl::StatusOr<Extern> NewGlobal(GlobalType type, uint64_t bits);

  ExternKind kind() const { return kind_; }
  const FuncRef* func() const { return func_; }
  Table* table() const { return table_.get(); }
  LinearMemory* memory() const { return memory_.get(); }
  GlobalCell* global() const { return global_.get(); }
  // Meaningful for kGlobal only.
  const GlobalType& global_type() const { return global_type_; }

  const std::shared_ptr<Table>& shared_table() const { return table_; }
  const std::shared_ptr<LinearMemory>& shared_memory() const { return memory_; }
  const std::shared_ptr<GlobalCell>& shared_global() const { return global_; }
  // What an importer keeps alive for this extern to stay valid: the table,
  // memory or global cell, a host function; null for a wasm function.
  std::shared_ptr<const void> owner() const;

  // The extern's current type as the import checks print it:
  // "func (i32) -> ()", "table funcref {min 10, max 20}",
  // "memory {min 1, max 2, shared}", "global (mut i32)".
  std::string TypeString() const;

 private:
  explicit Extern(ExternKind kind) : kind_(kind) {}

  ExternKind kind_;
  const FuncRef* func_ = nullptr;
  std::shared_ptr<const void> func_owner_;
  std::shared_ptr<Table> table_;
  std::shared_ptr<LinearMemory> memory_;
  std::shared_ptr<GlobalCell> global_;
  GlobalType global_type_;
};

// Printing helpers shared with the import checks.
std::string LimitsString(const Limits& limits);        // "{min 1, max 2, shared}"
std::string GlobalTypeString(const GlobalType& type);  // "(mut i32)" / "i32"

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_EXTERN_H_
