// The code generator's entry points: one wasm function, IR → machine code in
// its own Assembler (CompileFunctionCode; the JIT's way, see
// runtime/jit/compiled_module.h for the linking) or in a module-wide one
// (CompileFunction, as below; the tests' way), and the trampolines between the
// array-call convention (runtime/instance/vmcontext.h) and the native ABI
// (abi.h).
//
//   ModuleCodegenContext ctx(module);
//   x64::Assembler as;
//   for (uint32_t f = 0; f < module.functions.size(); ++f)
//     ctx.function_labels.push_back(as.NewLabel());
//   for each defined function f (index = imports + k):
//     RETURN_IF_ERROR(CompileFunction(ir_of(f), index, ctx, as));
//     entry[f] = as.NewLabel(); Bind; EmitArrayEntryTrampoline(type, ctx.function_labels[index], as)
//   ASSIGN_OR_RETURN(x64::AssembledCode code, as.Finish());
//   // patch code.relocations (ExternalSymbol(BuiltinSymbol(id)) → builtin address),
//   // CodeMemory::Create(code.bytes), RegisterJitCode(code, code.traps),
//   // FuncRef.native_code = start + as.LabelOffset(function_labels[index]).
//
// Pipeline of CompileFunction (README.md):
//   ir::Function ─► Lower ─► VCode<vregs> ─► AllocateRegisters ─► EmitFunction ─► Assembler
#ifndef RUNTIME_CODEGEN_EMIT_H_
#define RUNTIME_CODEGEN_EMIT_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "runtime/codegen/lower.h"
#include "runtime/codegen/regalloc.h"
#include "runtime/ir/ir.h"
#include "runtime/types.h"
#include "runtime/x64/assembler.h"

namespace wasm::codegen {

// Compiles `f` (function `func_index` of ctx.module's index space) and binds
// ctx.function_labels[func_index] at its entry. Dumps per ctx.dump.
absl::Status CompileFunction(const ir::Function& f, uint32_t func_index,
                             const ModuleCodegenContext& ctx, x64::Assembler& as);

// One function compiled into its own Assembler (ctx.function_labels must be
// empty): position-independent code, its constant pool after it, whose direct
// calls are kPcRel32 relocations to FunctionSymbol(callee) and whose builtin
// addresses are kAbs64 relocations, as always. Thread-safe: functions of one
// module may be compiled on several threads with one ctx.
struct FunctionCode {
  x64::AssembledCode code;
  uint32_t entry = 0;  // offset of the prologue in code.bytes
};
// `block_order`: see Lower.
absl::StatusOr<FunctionCode> CompileFunctionCode(const ir::Function& f,
                                                 const ModuleCodegenContext& ctx,
                                                 absl::Span<const ir::Block> block_order = {});

// Emits the prologue, the allocated VCode, the epilogue(s), trap stubs and
// jump tables (CompileFunction's last step; public for tests).
absl::Status EmitFunction(const LoweredFunction& lowered, const RegAllocResult& alloc,
                          x64::Label entry, x64::Assembler& as,
                          std::vector<std::string>* listing = nullptr);

// At the current position: `void(VMContext* vmctx, uint64_t* args_and_results)`
// that loads the arguments from the buffer per abi.h, calls `callee` with
// rdi = vmctx, and stores the results back (8 bytes each; i32 zero-extended,
// f32 in the low 4 bytes). Bind a label before calling this.
void EmitArrayEntryTrampoline(const FuncType& type, x64::Label callee, x64::Assembler& as);

// At the current position: a function with the native ABI of `type` that
// stores its arguments into a stack buffer, calls the ArrayEntry
// [rax + kFuncRefArrayEntry] (rax = the callee's FuncRef*, passed by every
// call through a FuncRef, abi.h) with (rdi = the callee vmctx, rsi = buffer),
// and returns the results per the native ABI. For host functions: the
// instance sets their FuncRef.native_code to this code.
void EmitNativeToArrayTrampoline(const FuncType& type, x64::Assembler& as);

}  // namespace wasm::codegen

#endif  // RUNTIME_CODEGEN_EMIT_H_
