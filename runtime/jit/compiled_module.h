// Machine code for every defined function of a validated Module.
//
//   wasm Module ─► for each function: translate (translator/) ─► Optimize (opt/)
//              ─► CompileFunction (codegen/) into one Assembler
//              ─► + an array-entry trampoline per function
//              ─► Finish ─► patch builtin addresses ─► CodeMemory (R+X) + trap sites registered
//
// One CompiledModule serves every instance of its module (the code reads all
// instance state through the VMContext in r14), so compile once, instantiate
// many times.
//
//   ASSIGN_OR_RETURN(std::shared_ptr<const CompiledModule> code,
//                    CompiledModule::Compile(module));
//   instance->SetFunctionCode(i, code->native_code(d), code->array_entry(d));
//
// The code blob, in order: defined function 0 (prologue, body, trap stubs,
// jump tables), function 1, ..., then one array-entry trampoline per
// function, then the constant pool. The blob is registered (code_registry.h)
// with its trap sites and its function table: function d covers
// [code_offsets_[d], code_offsets_[d + 1]), the last one up to the first
// trampoline, numbered num_imported_functions + d. That table and the
// module's names (backtrace.h) turn a trap's frames into a wasm backtrace.
// Invariant: every defined function's code starts with `push rbp; mov rbp,
//   rsp` (codegen's prologue), as the function table requires.
#ifndef RUNTIME_JIT_COMPILED_MODULE_H_
#define RUNTIME_JIT_COMPILED_MODULE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/jit/backtrace.h"
#include "runtime/module.h"
#include "runtime/vm/code_memory.h"
#include "runtime/vm/code_registry.h"

namespace wasm {

struct CompileStats {
  double translate_seconds = 0;
  double optimize_seconds = 0;
  double codegen_seconds = 0;   // lowering, register allocation, emission
  double assemble_seconds = 0;  // relaxation, patching, mapping
  size_t code_bytes = 0;
};

class CompiledModule {
 public:
  static absl::StatusOr<std::shared_ptr<const CompiledModule>> Compile(
      std::shared_ptr<const Module> module);

  const Module& module() const { return *module_; }
  const std::shared_ptr<const Module>& shared_module() const { return module_; }
  // Entry points of defined function `defined_index` (0 = first non-imported).
  const void* native_code(uint32_t defined_index) const;
  const void* array_entry(uint32_t defined_index) const;
  const CompileStats& stats() const { return stats_; }

 private:
  CompiledModule() = default;

  std::shared_ptr<const Module> module_;
  std::unique_ptr<CodeMemory> code_;
  // Both destroyed before code_: its address may be reused once unmapped.
  CodeRegistration registration_;
  ModuleSymbolsRegistration symbols_;
  std::vector<uint32_t> code_offsets_;
  std::vector<uint32_t> entry_offsets_;
  CompileStats stats_;
};

}  // namespace wasm

#endif  // RUNTIME_JIT_COMPILED_MODULE_H_
