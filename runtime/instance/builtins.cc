// The builtins: bounds checks, then the operation; traps via RaiseTrap.
#include "runtime/instance/builtins.h"

#include <cstring>
#include <string_view>
#include <type_traits>

#include "absl/base/internal/raw_logging.h"
#include "absl/status/statusor.h"
#include "runtime/instance/instance.h"
#include "runtime/instance/raise_trap.h"
#include "runtime/instance/table.h"
#include "runtime/vm/linear_memory.h"

namespace wasm {
namespace {

constexpr uint32_t kGrowFailed = 0xffffffffu;

LinearMemory& MemoryOf(VMContext* vmctx) {
  LinearMemory* memory = vmctx->instance->memory();
  ABSL_RAW_CHECK(memory != nullptr, "memory builtin in an instance without a memory");
  return *memory;
}

Table& TableOf(VMContext* vmctx, uint32_t table_index) {
  Table* table = vmctx->instance->table(table_index);
  ABSL_RAW_CHECK(table != nullptr, "table builtin with an unknown table index");
  return *table;
}

// [start, start + count) within [0, size)? In 64 bits: no overflow.
bool InBounds(uint64_t start, uint64_t count, uint64_t size) { return start + count <= size; }

}  // namespace

namespace builtins {

uint32_t MemorySize(VMContext* vmctx, uint32_t) {
  return static_cast<uint32_t>(MemoryOf(vmctx).pages());
}

uint32_t MemoryGrow(VMContext* vmctx, uint32_t, uint32_t delta_pages) {
  const absl::StatusOr<uint64_t> old_pages = MemoryOf(vmctx).Grow(delta_pages);
  return old_pages.ok() ? static_cast<uint32_t>(*old_pages) : kGrowFailed;
}

void MemoryCopy(VMContext* vmctx, uint32_t, uint32_t dst, uint32_t src, uint32_t count) {
  LinearMemory& memory = MemoryOf(vmctx);
  const uint64_t size = memory.size_bytes();
  if (!InBounds(src, count, size) || !InBounds(dst, count, size)) {
    RaiseTrap(TrapKind::kMemoryOutOfBounds);
  }
  if (count > 0) std::memmove(memory.base() + dst, memory.base() + src, count);
}

void MemoryFill(VMContext* vmctx, uint32_t, uint32_t dst, uint32_t value, uint32_t count) {
  LinearMemory& memory = MemoryOf(vmctx);
  if (!InBounds(dst, count, memory.size_bytes())) RaiseTrap(TrapKind::kMemoryOutOfBounds);
  if (count > 0) std::memset(memory.base() + dst, static_cast<uint8_t>(value), count);
}

void MemoryInit(VMContext* vmctx, uint32_t data_index, uint32_t dst, uint32_t src, uint32_t count) {
  const std::optional<TrapKind> trap = vmctx->instance->MemoryInit(data_index, dst, src, count);
  if (trap.has_value()) RaiseTrap(*trap);
}

void DataDrop(VMContext* vmctx, uint32_t data_index) { vmctx->instance->DataDrop(data_index); }

uint64_t TableGet(VMContext* vmctx, uint32_t table_index, uint32_t index) {
  Table& table = TableOf(vmctx, table_index);
  if (index >= table.size()) RaiseTrap(TrapKind::kTableOutOfBounds);
  return table.view()->elements[index];
}

void TableSet(VMContext* vmctx, uint32_t table_index, uint32_t index, uint64_t ref) {
  Table& table = TableOf(vmctx, table_index);
  if (index >= table.size()) RaiseTrap(TrapKind::kTableOutOfBounds);
  table.view()->elements[index] = ref;
}

uint32_t TableSize(VMContext* vmctx, uint32_t table_index) {
  return static_cast<uint32_t>(TableOf(vmctx, table_index).size());
}

uint32_t TableGrow(VMContext* vmctx, uint32_t table_index, uint64_t init, uint32_t delta) {
  const absl::StatusOr<uint64_t> old_size = TableOf(vmctx, table_index).Grow(delta, init);
  return old_size.ok() ? static_cast<uint32_t>(*old_size) : kGrowFailed;
}

void TableFill(VMContext* vmctx, uint32_t table_index, uint32_t dst, uint64_t ref, uint32_t count) {
  Table& table = TableOf(vmctx, table_index);
  if (!InBounds(dst, count, table.size())) RaiseTrap(TrapKind::kTableOutOfBounds);
  uint64_t* elements = table.view()->elements;
  for (uint64_t i = dst; i < uint64_t{dst} + count; ++i) elements[i] = ref;
}

void TableCopy(VMContext* vmctx, uint32_t dst_table, uint32_t dst, uint32_t src, uint32_t count,
               uint32_t src_table) {
  Table& to = TableOf(vmctx, dst_table);
  Table& from = TableOf(vmctx, src_table);
  if (!InBounds(src, count, from.size()) || !InBounds(dst, count, to.size())) {
    RaiseTrap(TrapKind::kTableOutOfBounds);
  }
  // The same table (or the same imported table twice) may overlap.
  if (count > 0) {
    std::memmove(to.view()->elements + dst, from.view()->elements + src,
                 uint64_t{count} * sizeof(uint64_t));
  }
}

void TableInit(VMContext* vmctx, uint32_t elem_index, uint32_t dst, uint32_t src, uint32_t count,
               uint32_t table_index) {
  const std::optional<TrapKind> trap =
      vmctx->instance->TableInit(table_index, elem_index, dst, src, count);
  if (trap.has_value()) RaiseTrap(*trap);
}

void ElemDrop(VMContext* vmctx, uint32_t elem_index) { vmctx->instance->ElemDrop(elem_index); }

uint64_t RefFunc(VMContext* vmctx, uint32_t func_index) {
  const FuncRef* ref = vmctx->instance->func_ref(func_index);
  ABSL_RAW_CHECK(ref != nullptr, "ref.func with an unknown function index");
  return reinterpret_cast<uintptr_t>(ref);
}

}  // namespace builtins

namespace {

// Signature checks against the IR's table: operand letters 'i' = uint32_t,
// 'r' = uint64_t, after (VMContext*, uint32_t index).
template <typename T>
constexpr char Letter() {
  if constexpr (std::is_same_v<T, uint32_t>) return 'i';
  if constexpr (std::is_same_v<T, uint64_t>) return 'r';
  return '?';
}

template <typename R, typename... Args>
constexpr bool Matches(R (*)(VMContext*, uint32_t, Args...), std::string_view params,
                       std::string_view results) {
  constexpr char letters[] = {Letter<Args>()..., '\0'};
  if (std::string_view(letters, sizeof...(Args)) != params) return false;
  if constexpr (std::is_void_v<R>) {
    return results.empty();
  } else {
    return results.size() == 1 && results[0] == Letter<R>();
  }
}

#define WASM_CHECK_BUILTIN(name, text, params, results)    \
  static_assert(Matches(&builtins::name, params, results), \
                "builtin " text ": signature does not match runtime/ir/builtins.h");
IR_BUILTINS(WASM_CHECK_BUILTIN)
#undef WASM_CHECK_BUILTIN

}  // namespace

const void* BuiltinAddress(ir::Builtin builtin) {
  switch (builtin) {
#define WASM_BUILTIN_ADDRESS(name, text, params, results) \
  case ir::Builtin::k##name:                              \
    return reinterpret_cast<const void*>(&builtins::name);
    IR_BUILTINS(WASM_BUILTIN_ADDRESS)
#undef WASM_BUILTIN_ADDRESS
  }
  return nullptr;
}

}  // namespace wasm
