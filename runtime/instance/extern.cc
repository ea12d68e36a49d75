// Extern construction and the type strings of link errors.
#include "runtime/instance/extern.h"

#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/instance/signature_registry.h"

namespace wasm {

Extern Extern::FromFunction(const FuncRef* func, std::shared_ptr<const void> owner) {
  Extern e(ExternKind::kFunc);
  e.func_ = func;
  e.func_owner_ = std::move(owner);
  return e;
}

Extern Extern::FromHostFunction(std::shared_ptr<HostFunction> function) {
  const FuncRef* ref = function == nullptr ? nullptr : function->func_ref();
  return FromFunction(ref, std::move(function));
}

Extern Extern::FromTable(std::shared_ptr<Table> table) {
  Extern e(ExternKind::kTable);
  e.table_ = std::move(table);
  return e;
}

Extern Extern::FromMemory(std::shared_ptr<LinearMemory> memory) {
  Extern e(ExternKind::kMemory);
  e.memory_ = std::move(memory);
  return e;
}

Extern Extern::FromGlobal(GlobalType type, std::shared_ptr<GlobalCell> cell) {
  Extern e(ExternKind::kGlobal);
  e.global_type_ = type;
  e.global_ = std::move(cell);
  return e;
}

absl::StatusOr<Extern> Extern::NewGlobal(GlobalType type, uint64_t bits) {
  std::shared_ptr<GlobalCell> cell(new (std::nothrow) GlobalCell());
  if (cell == nullptr) return absl::ResourceExhaustedError("global: out of memory");
  cell->Set(type.type, bits);
  return FromGlobal(type, std::move(cell));
}

std::shared_ptr<const void> Extern::owner() const {
  switch (kind_) {
    case ExternKind::kFunc:
      return func_owner_;
    case ExternKind::kTable:
      return table_;
    case ExternKind::kMemory:
      return memory_;
    case ExternKind::kGlobal:
      return global_;
  }
  return nullptr;
}

std::string LimitsString(const Limits& limits) {
  std::string out = absl::StrCat("{min ", limits.min);
  if (limits.max.has_value()) absl::StrAppend(&out, ", max ", *limits.max);
  if (limits.shared) absl::StrAppend(&out, ", shared");
  absl::StrAppend(&out, "}");
  return out;
}

std::string GlobalTypeString(const GlobalType& type) {
  if (type.mutability == Mutability::kVar)
    return absl::StrCat("(mut ", ValTypeName(type.type), ")");
  return std::string(ValTypeName(type.type));
}

std::string Extern::TypeString() const {
  switch (kind_) {
    case ExternKind::kFunc: {
      if (func_ == nullptr) return "func (null)";
      std::optional<FuncType> type = SignatureRegistry::Global().Lookup(func_->sig_id);
      if (!type.has_value()) return absl::StrCat("func (unknown signature ", func_->sig_id, ")");
      return absl::StrCat("func ", type->ToString());
    }
    case ExternKind::kTable: {
      if (table_ == nullptr) return "table (null)";
      const TableType t = table_->type();
      return absl::StrCat("table ", ValTypeName(t.elem_type), " ", LimitsString(t.limits));
    }
    case ExternKind::kMemory: {
      if (memory_ == nullptr) return "memory (null)";
      Limits limits;
      limits.min = memory_->pages();
      limits.max = memory_->max_pages();
      limits.shared = memory_->sharing() == MemorySharing::kShared;
      return absl::StrCat("memory ", LimitsString(limits));
    }
    case ExternKind::kGlobal:
      if (global_ == nullptr) return "global (null)";
      return absl::StrCat("global ", GlobalTypeString(global_type_));
  }
  return "?";
}

}  // namespace wasm
