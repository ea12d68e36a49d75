// Instruction selection: ir::Function → VCode over virtual registers.
//
//   ir::Function ─► Lower ─► VCode<vregs> ─► AllocateRegisters ─► emit
//
// One vreg per IR value (GPR for i32/i64, XMM for f32/f64); every IR opcode
// and builtin has a lowering here (integers, control flow, memory, calls in
// lower.cc; floats and conversions in lower_float.cc). The WebAssembly
// semantics the IR leaves implicit are made explicit: division traps (and
// srem INT_MIN % -1 == 0), shift-count masking (x86 masks 32/64-bit counts
// in cl itself), trapping and saturating float-to-int conversions, NaN- and
// signed-zero-correct fmin/fmax. Memory accesses use [r15 + index + offset]
// with no bounds check (guard pages, vm/linear_memory.h).
//
// Instruction-selection cases beyond one-to-one: an icmp / fcmp whose only
// use is a brif, select or trap_if is fused into it (cmp + jcc / cmov); a
// band used once as such a condition, or compared with 0 by icmp eq / ne, is
// a `test` (no and, no copy); an iadd (or isub by a constant) whose left
// operand has other uses is a three-address `lea` instead of a copy and an
// add; iconst operands that fit are folded as immediates into add / sub /
// and / or / xor / cmp / imul / shifts; constant shift counts use the imm8
// forms.
#ifndef RUNTIME_CODEGEN_LOWER_H_
#define RUNTIME_CODEGEN_LOWER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/codegen/regalloc.h"
#include "runtime/codegen/vcode.h"
#include "runtime/ir/ir.h"
#include "runtime/module.h"
#include "runtime/vm/trap.h"
#include "runtime/x64/assembler.h"

namespace wasm::codegen {

// What WASM_JIT_DUMP=ir,vcode,asm asks for (DumpOptionsFromEnv).
struct DumpOptions {
  bool ir = false;
  bool vcode = false;
  bool asm_text = false;
};
DumpOptions DumpOptionsFromEnv();

// WASM_JIT_REGS=N restricts every class to N allocatable registers (a stress
// test of the register allocator: run the spec suite with N = 2, 3, 5).
RegAllocOptions RegAllocOptionsFromEnv();

// The ExternalSymbol of function `func_index` of the module's index space,
// for code compiled function by function (CompileFunctionCode): a direct
// call is a kPcRel32 Relocation to it, which the module's linker resolves.
// Builtin symbols (BuiltinSymbol, below) never have the top bit set.
inline constexpr uint32_t kFunctionSymbolBit = 1u << 31;
inline constexpr uint32_t FunctionSymbol(uint32_t func_index) {
  return kFunctionSymbolBit | func_index;
}
inline constexpr bool IsFunctionSymbol(uint32_t symbol_id) {
  return (symbol_id & kFunctionSymbolBit) != 0;
}
inline constexpr uint32_t FunctionOfSymbol(uint32_t symbol_id) {
  return symbol_id & ~kFunctionSymbolBit;
}

// Module-wide state shared by the functions of one module. Read-only while
// functions are compiled (several threads may compile at once).
struct ModuleCodegenContext {
  explicit ModuleCodegenContext(const Module& m) : module(m) {}
  const Module& module;
  // Either empty (each function is compiled into its own Assembler and calls
  // are relocations to FunctionSymbol(index)), or one label per function of
  // the index space in the one Assembler every function is compiled into,
  // bound by CompileFunction for defined functions (imports stay unbound:
  // they are called through FuncRefs).
  std::vector<x64::Label> function_labels;
  // What a direct call to function `func_index` targets in `as`.
  x64::Label CallTarget(uint32_t func_index, x64::Assembler& as) const {
    if (!function_labels.empty()) return function_labels[func_index];
    return as.ExternalLabel(x64::ExternalSymbol(FunctionSymbol(func_index)));
  }
  DumpOptions dump = DumpOptionsFromEnv();
  RegAllocOptions regalloc = RegAllocOptionsFromEnv();
  // When set, CompileFunction appends the final instructions as text (the
  // golden tests' and the asm dump's listing).
  std::vector<std::string>* listing = nullptr;
};

// The ExternalSymbol id of a builtin: its ir::Builtin value. The loader
// resolves it with the instance library's BuiltinAddress(ir::Builtin).
inline uint32_t BuiltinSymbol(uint32_t builtin_id) { return builtin_id; }

struct LoweredFunction {
  VCode vcode;
  // Out-of-line `ud2` stubs the code jumps to: (kind, label).
  std::vector<std::pair<TrapKind, x64::Label>> trap_stubs;
  bool has_results_out = false;
};

// `f` must pass the verifier. Labels and pool constants are created in `as`.
// `block_order`: the reverse post-order of f's reachable blocks
// (ir::ControlFlowGraph::ReversePostOrder) when the caller has it at hand
// (the optimiser's); empty: computed here. The blocks are lowered in it.
absl::StatusOr<LoweredFunction> Lower(const ir::Function& f, const ModuleCodegenContext& ctx,
                                      x64::Assembler& as,
                                      absl::Span<const ir::Block> block_order = {});

}  // namespace wasm::codegen

#endif  // RUNTIME_CODEGEN_LOWER_H_
