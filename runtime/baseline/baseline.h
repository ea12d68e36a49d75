// The baseline tier: one wasm function straight to x86-64 in a single pass
// over its body, without IR, optimisation or register allocation over the
// whole function (Liftoff / Winch style; README.md). Its code follows the
// same ABI, frame-pointer chain, trap tables and builtins as the optimising
// compiler's (codegen/abi.h), so the two tiers' functions call each other
// and link into one module the same way.
#ifndef RUNTIME_BASELINE_BASELINE_H_
#define RUNTIME_BASELINE_BASELINE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "runtime/codegen/emit.h"
#include "runtime/codegen/lower.h"
#include "runtime/module.h"

namespace wasm::baseline {

// Defined function `defined_index` of `m` (validated) in its own Assembler,
// in the form codegen::CompileFunctionCode gives (the driver links both
// alike): every call goes through the callee's FuncRef (so a tier-up that
// replaces the code in FuncRefs redirects it), builtin addresses are kAbs64
// relocations. Thread-safe. An error (kUnimplemented for an instruction the
// tier lacks, kResourceExhausted for an operand stack too deep) leaves the
// function to the optimising compiler.
absl::StatusOr<codegen::FunctionCode> CompileFunction(const Module& m, uint32_t defined_index);

}  // namespace wasm::baseline

#endif  // RUNTIME_BASELINE_BASELINE_H_
