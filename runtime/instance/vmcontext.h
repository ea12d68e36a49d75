// VMContext: the per-instance record that generated code reads at fixed
// offsets, and the records it points to (FuncRef, GlobalCell, TableView).
//
// Every wasm function receives its instance's VMContext in a register and
// reaches everything else from it; builtins (builtins.h) take it as their
// first argument:
//
//   VMContext (one per Instance, inside it; never moves)
//   ├ memory_base ─────────────────► the memory's bytes (LinearMemory::base())
//   ├ memory ──────────────────────► MemoryView {base, size} of the memory,
//   │                                 the exporter's when imported
//   ├ globals ──► [GlobalCell*] ───► 16-byte cells: own, or the exporter's
//   ├ tables ───► [TableView*] ────► {elements, size} of each Table (table.h)
//   ├ func_refs ► [const FuncRef*] ► FuncRef {native_code, array_entry,
//   │             imports first        vmctx, sig_id} of every function
//   ├ sig_ids ──► [uint32_t]          canonical signature id per type index
//   ├ stack_limit                     rsp limit checked by prologues
//   ├ instance                        the owning Instance (builtins use it)
//   └ host_function                   set only in a host function's context
//
// call_indirect (type $t) on table $k, as the JIT is expected to emit it:
//
//   view = vmctx->tables[k]
//   if (index >= view->size)                     trap "undefined element"
//   ref = (FuncRef*) view->elements[index]
//   if (ref == nullptr)                          trap "uninitialized element"
//   if (ref->sig_id != vmctx->sig_ids[t])        trap "indirect call type mismatch"
//   ref->native_code(ref->vmctx, args...)        (host functions: array_entry)
//
// Reference values are 64 bits everywhere (locals, tables, globals, the
// array-call buffer): a funcref is a `const FuncRef*` (null = 0), an externref
// an opaque host value (null = 0).
//
// Memory size: the VMContext points at the memory's own MemoryView rather than
// holding a copy of the size, because an imported memory is grown by any
// instance sharing it and a copy would go stale. Generated code needs no size
// for loads and stores (the guard region catches them, linear_memory.h); the
// size is one more load: [[vmctx + kVmMemory] + kMemoryViewSizeOffset].
//
// Invariant: every pointer in a VMContext stays valid, and every array keeps
//   its length, for the life of the Instance that owns the VMContext.
// Invariant: a function reference in a table, a global or the func_refs array
//   is a FuncRef that lives as long as the instance (or HostFunction) defining
//   it; linked instances are destroyed together (see instance.h).
#ifndef RUNTIME_INSTANCE_VMCONTEXT_H_
#define RUNTIME_INSTANCE_VMCONTEXT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "runtime/types.h"
#include "runtime/vm/linear_memory.h"

namespace wasm {

class Instance;
class HostFunction;
struct VMContext;

// The array-call convention: `args_and_results` holds the arguments on entry
// and the results on return, 8 bytes per value (i32 / f32 zero-extended bit
// patterns, f64 bit patterns, references as above), in place from slot 0; the
// buffer has max(params, results) slots.
using ArrayEntry = void (*)(VMContext* callee_vmctx, uint64_t* args_and_results);

// One function of the function index space: what call, call_indirect, ref.func
// and the host need to call it. A funcref value is a pointer to one of these.
struct FuncRef {
  // The function's code with the JIT's native calling convention; null until
  // the JIT sets it, and null for host functions (use array_entry).
  const void* native_code;
  // An ArrayEntry for the function: set by the JIT for wasm functions, by
  // HostFunction for host functions.
  const void* array_entry;
  // The context the function runs with: its defining instance's.
  VMContext* vmctx;
  // Canonical signature id (signature_registry.h); never 0.
  uint32_t sig_id;
};

inline constexpr int32_t kFuncRefNativeCode = offsetof(FuncRef, native_code);
inline constexpr int32_t kFuncRefArrayEntry = offsetof(FuncRef, array_entry);
inline constexpr int32_t kFuncRefVmctx = offsetof(FuncRef, vmctx);
inline constexpr int32_t kFuncRefSigId = offsetof(FuncRef, sig_id);
static_assert(std::is_standard_layout_v<FuncRef>);
static_assert(kFuncRefNativeCode == 0 && kFuncRefArrayEntry == 8 && kFuncRefVmctx == 16 &&
              kFuncRefSigId == 24 && sizeof(FuncRef) == 32);

// A global's storage. Values are stored little-endian from byte 0 with their
// natural width (i32 / f32: 4 bytes, i64 / f64 / references: 8, v128: 16), so
// generated code loads and stores [cell] directly.
struct alignas(16) GlobalCell {
  uint8_t bytes[16] = {};

  // The value of a non-v128 global, zero-extended to 64 bits.
  uint64_t Get(ValType type) const {
    uint64_t bits = 0;
    std::memcpy(&bits, bytes, Width(type) > 8 ? 8 : Width(type));
    return bits;
  }
  // Stores the low bits of `bits` with the width of `type` (v128: the low 8
  // bytes, the high ones cleared).
  void Set(ValType type, uint64_t bits) {
    if (Width(type) == 16) std::memset(bytes, 0, sizeof(bytes));
    std::memcpy(bytes, &bits, Width(type) > 8 ? 8 : Width(type));
  }
  static constexpr size_t Width(ValType type) {
    switch (type) {
      case ValType::kI32:
      case ValType::kF32:
        return 4;
      case ValType::kV128:
        return 16;
      default:
        return 8;
    }
  }
};
static_assert(sizeof(GlobalCell) == 16 && alignof(GlobalCell) == 16);

// What generated code reads of a table (table.h owns it). `elements` moves
// when the table grows; reload it after any call.
struct TableView {
  uint64_t* elements;  // `size` 64-bit references
  uint64_t size;       // elements now
};
inline constexpr int32_t kTableViewElements = offsetof(TableView, elements);
inline constexpr int32_t kTableViewSize = offsetof(TableView, size);
static_assert(kTableViewElements == 0 && kTableViewSize == 8);

struct VMContext {
  // Memory 0's first byte (never moves), or null without a memory.
  uint8_t* memory_base;
  // Memory 0's {base, size} (the LinearMemory's own view), or null.
  const MemoryView* memory;
  // One cell pointer per global of the index space (imports first).
  GlobalCell* const* globals;
  // One view pointer per table of the index space (imports first).
  TableView* const* tables;
  // One FuncRef pointer per function of the index space (imports first):
  // imported entries point at the exporter's record.
  const FuncRef* const* func_refs;
  // Canonical signature id of each entry of Module::types.
  const uint32_t* sig_ids;
  // Function prologues trap with kCallStackExhausted when rsp is below this
  // (stack_limit.h). 0 disables the check; the host sets it before a call.
  uintptr_t stack_limit;
  // The instance this context belongs to (null in a host function's).
  Instance* instance;
  // The host function this context belongs to (null in an instance's).
  HostFunction* host_function;
};

inline constexpr int32_t kVmMemoryBase = offsetof(VMContext, memory_base);
inline constexpr int32_t kVmMemory = offsetof(VMContext, memory);
inline constexpr int32_t kVmGlobals = offsetof(VMContext, globals);
inline constexpr int32_t kVmTables = offsetof(VMContext, tables);
inline constexpr int32_t kVmFuncRefs = offsetof(VMContext, func_refs);
inline constexpr int32_t kVmSigIds = offsetof(VMContext, sig_ids);
inline constexpr int32_t kVmStackLimit = offsetof(VMContext, stack_limit);
inline constexpr int32_t kVmInstance = offsetof(VMContext, instance);
inline constexpr int32_t kVmHostFunction = offsetof(VMContext, host_function);
static_assert(std::is_standard_layout_v<VMContext>);
static_assert(kVmMemoryBase == 0 && kVmMemory == 8 && kVmGlobals == 16 && kVmTables == 24 &&
              kVmFuncRefs == 32 && kVmSigIds == 40 && kVmStackLimit == 48 && kVmInstance == 56 &&
              kVmHostFunction == 64 && sizeof(VMContext) == 72);

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_VMCONTEXT_H_
