// The runtime functions generated code calls for the operations of
// ir::Builtin (runtime/ir/builtins.h): memory.size / grow / copy / fill /
// init, data.drop, table.get / set / size / grow / fill / copy / init,
// elem.drop, ref.func.
//
// Calling convention (System V, called from JIT code like any C function):
//
//   result Builtin(VMContext* vmctx, uint32_t index, operands...)
//
// `index` is the call_builtin's index immediate (the memory, table, segment
// or function index; table.copy's destination table, table.init's segment);
// the operands follow in the order of the IR row's parameter letters, 'i' as
// uint32_t and 'r' (a reference) as uint64_t; the result likewise. The IR's
// trailing constant operand of table.copy (source table) and table.init
// (table) is the last parameter. A static_assert in builtins.cc checks every
// signature against the IR table.
//
//   void (*copy)(VMContext*, uint32_t, uint32_t, uint32_t, uint32_t) =
//       reinterpret_cast<...>(BuiltinAddress(ir::Builtin::kMemoryCopy));
//   copy(instance->vmctx(), /*memory=*/0, /*dst=*/16, /*src=*/0, /*n=*/8);
//
// Semantics are the spec's (bulk memory as in WebAssembly 2.0): copy, fill
// and init check the whole range before writing anything and then write all
// of it; overlapping copies behave like memmove; a range may end exactly at
// the end (even when empty) but not start past it; dropped segments are
// empty. memory.grow and table.grow return the old size, or 0xffffffff (-1)
// when they cannot grow (past the maximum, an implementation limit, or out of
// memory). A failing check raises the trap with RaiseTrap (raise_trap.h),
// which unwinds to the wasm entry: builtins hold nothing with a destructor
// when they trap.
//
// Invariant: called only from wasm code entered through CallWithTrapHandling,
//   with the VMContext of an Instance and the indices of its validated module.
#ifndef RUNTIME_INSTANCE_BUILTINS_H_
#define RUNTIME_INSTANCE_BUILTINS_H_

#include <cstdint>

#include "runtime/instance/vmcontext.h"
#include "runtime/ir/builtins.h"

namespace wasm {

namespace builtins {

// Pages now.
uint32_t MemorySize(VMContext* vmctx, uint32_t memory_index);
// The old page count, or 0xffffffff.
uint32_t MemoryGrow(VMContext* vmctx, uint32_t memory_index, uint32_t delta_pages);
void MemoryCopy(VMContext* vmctx, uint32_t memory_index, uint32_t dst, uint32_t src,
                uint32_t count);
// Stores the low byte of `value` `count` times.
void MemoryFill(VMContext* vmctx, uint32_t memory_index, uint32_t dst, uint32_t value,
                uint32_t count);
void MemoryInit(VMContext* vmctx, uint32_t data_index, uint32_t dst, uint32_t src, uint32_t count);
void DataDrop(VMContext* vmctx, uint32_t data_index);

uint64_t TableGet(VMContext* vmctx, uint32_t table_index, uint32_t index);
void TableSet(VMContext* vmctx, uint32_t table_index, uint32_t index, uint64_t ref);
uint32_t TableSize(VMContext* vmctx, uint32_t table_index);
// The old size, or 0xffffffff.
uint32_t TableGrow(VMContext* vmctx, uint32_t table_index, uint64_t init, uint32_t delta);
void TableFill(VMContext* vmctx, uint32_t table_index, uint32_t dst, uint64_t ref, uint32_t count);
void TableCopy(VMContext* vmctx, uint32_t dst_table, uint32_t dst, uint32_t src, uint32_t count,
               uint32_t src_table);
void TableInit(VMContext* vmctx, uint32_t elem_index, uint32_t dst, uint32_t src, uint32_t count,
               uint32_t table_index);
void ElemDrop(VMContext* vmctx, uint32_t elem_index);

// The funcref of a function of the index space.
uint64_t RefFunc(VMContext* vmctx, uint32_t func_index);

}  // namespace builtins

// The C function implementing `builtin`, for the JIT to call.
const void* BuiltinAddress(ir::Builtin builtin);

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_BUILTINS_H_
