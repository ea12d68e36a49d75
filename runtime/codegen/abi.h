// The JIT's calling convention and the VMContext layout generated code reads.
//
// ## The wasm native ABI (every compiled wasm function)
// SysV x86-64 with a hidden first argument:
//   rdi            the callee's VMContext*
//   [rsi]          results_out: ONLY when the function has two or more
//                  results; it then takes the first integer slot after rdi and
//                  the function stores every result there, 8 bytes each, in
//                  order (ints as zero-extended 64-bit words, f32 in the low 4
//                  bytes, f64 as 8 bytes).
//   int params     (i32, i64, references) rsi, rdx, rcx, r8, r9 (one fewer
//                  when results_out is present), then the stack
//   float params   xmm0..xmm7, then the stack
//   stack params   in parameter order, 8 bytes each, at [rsp+8], [rsp+16], ...
//                  on entry ([rbp+16], ... after the prologue)
//   one result     rax (int class) or xmm0 (float); none for 0 or >= 2 results
// Invariant: an i32 value in a 64-bit GPR always has its upper 32 bits zero
//   (the callee relies on it for addresses; 32-bit ops and loads ensure it;
//   values coming from C++ (builtin results) are re-zero-extended).
// Calls through a FuncRef (imports, call_indirect) also pass the FuncRef* in
// rax; wasm functions ignore it, the native-to-array trampoline of a host
// function uses it to find the FuncRef's array_entry.
//
// Pinned inside wasm code: r14 = own VMContext*, r15 = memory 0's base (any
// value without a memory). Both are callee-saved in SysV, so builtins (C++)
// preserve them. Scratch registers for the register allocator's reloads and
// the parallel-move resolver, never allocated: r10, r11, xmm14, xmm15.
//
// ## Frame (after the prologue)
//   [rbp+16 ...]        incoming stack arguments
//   [rbp+8]             return address
//   [rbp]               caller's rbp
//   [rbp-8 ...]         saved callee-saved registers (r14, r15, + rbx/r12/r13 as used)
//   ...                 spill slots, 8 bytes each
//   [rsp+A, rsp+A+R)    results buffer for calls to multi-result functions
//   [rsp, rsp+A)        outgoing stack arguments
// Invariant: rsp is 16-byte aligned at every call instruction.
// Invariant: a function's code starts with `push rbp; mov rbp, rsp` (offsets
//   0 and 1), so [rbp] / [rbp+8] link every wasm frame to its caller: the
//   trap handler's backtraces walk that chain (runtime/vm/stack_walk.h).
//   Trap stubs and jump tables follow the body, inside the function's code.
// The prologue traps (kCallStackExhausted, out-of-line ud2) when rsp after the
// frame allocation is below [vmctx + kVmStackLimit] (unsigned compare).
//
// ## Builtins
// `ret fn(VMContext*, uint32_t index, args...)` with SysV: rdi = r14, rsi =
// the call_builtin's index immediate, then the arguments; called through
// `movabs r11, <ExternalSymbol(BuiltinSymbol(id))>; call r11` (the loader
// patches the kAbs64 relocation with BuiltinAddress(id)).
//
// ## Array-call trampolines (runtime/instance/vmcontext.h's ArrayEntry)
// EmitArrayEntryTrampoline: `void(VMContext*, uint64_t* args_and_results)` →
// the native ABI. EmitNativeToArrayTrampoline: the native ABI → a FuncRef's
// array_entry (FuncRef* in rax, see above), for host functions.
#ifndef RUNTIME_CODEGEN_ABI_H_
#define RUNTIME_CODEGEN_ABI_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "runtime/ir/ir.h"
#include "runtime/x64/regs.h"

namespace wasm::codegen {

// ---- VMContext layout ---------------------------------------------------------
// Mirrors runtime/instance/vmcontext.h (kVm*, kFuncRef*, kTableView*). That
// header has no Bazel target yet; when it has one, include it here and turn
// these into aliases of its constants (the static_asserts there pin them).
inline constexpr int32_t kVmMemoryBase = 0;
inline constexpr int32_t kVmMemory = 8;
inline constexpr int32_t kVmGlobals = 16;
inline constexpr int32_t kVmTables = 24;
inline constexpr int32_t kVmFuncRefs = 32;
inline constexpr int32_t kVmSigIds = 40;
inline constexpr int32_t kVmStackLimit = 48;
inline constexpr int32_t kVmContextSize = 72;
inline constexpr int32_t kFuncRefNativeCode = 0;
inline constexpr int32_t kFuncRefArrayEntry = 8;
inline constexpr int32_t kFuncRefVmctx = 16;
inline constexpr int32_t kFuncRefSigId = 24;
inline constexpr int32_t kTableViewElements = 0;
inline constexpr int32_t kTableViewSize = 8;

// ---- Registers ------------------------------------------------------------------
inline constexpr x64::Reg kVmctxReg = x64::kR14;
inline constexpr x64::Reg kMemBaseReg = x64::kR15;
inline constexpr x64::Reg kScratchGpr0 = x64::kR10;
inline constexpr x64::Reg kScratchGpr1 = x64::kR11;
inline constexpr x64::Reg kScratchXmm0 = x64::kXmm14;
inline constexpr x64::Reg kScratchXmm1 = x64::kXmm15;
// The register holding the FuncRef* on calls through a FuncRef.
inline constexpr x64::Reg kFuncRefReg = x64::kRax;

// Registers the allocator may hand out, caller-saved first (preferred for
// values that do not live across calls).
inline constexpr x64::Reg kAllocatableGprs[] = {x64::kRax, x64::kRcx, x64::kRdx, x64::kRsi,
                                                x64::kRdi, x64::kR8,  x64::kR9,  x64::kRbx,
                                                x64::kR12, x64::kR13};
inline constexpr x64::Reg kAllocatableXmms[] = {
    x64::kXmm0, x64::kXmm1, x64::kXmm2, x64::kXmm3,  x64::kXmm4,  x64::kXmm5,  x64::kXmm6,
    x64::kXmm7, x64::kXmm8, x64::kXmm9, x64::kXmm10, x64::kXmm11, x64::kXmm12, x64::kXmm13};

// ---- Argument and result locations -----------------------------------------
// Where one value goes: a register, or a stack slot (8 bytes each, index 0 at
// [rsp+0] just before the call == [rbp+16] in the callee).
struct ArgLoc {
  x64::Reg reg;           // valid: in this register
  uint32_t stack_slot = 0;  // otherwise
  bool in_reg() const { return reg.is_valid(); }
};

struct CallConv {
  bool has_results_out = false;  // two or more results: rsi = results_out
  std::vector<ArgLoc> params;    // per wasm parameter
  uint32_t stack_slots = 0;      // 8-byte stack argument slots
  // Exactly one result: rax or xmm0. Invalid for 0 or >= 2 results.
  x64::Reg result_reg;
};

CallConv ComputeCallConv(absl::Span<const ir::Type> params, absl::Span<const ir::Type> results);

// True for the integer register class (i32, i64, references).
inline bool IsIntClass(ir::Type t) { return ir::IsInt(t); }

}  // namespace wasm::codegen

#endif  // RUNTIME_CODEGEN_ABI_H_
