// Translates a validated wasm function body into the SSA IR (ir/ir.h).
//
// One pass over the body with InstructionReader, mirroring the validator's
// structure: an operand stack of SSA values and a stack of control frames.
// Locals become SSA values through SsaBuilder; a wasm block / loop / if
// becomes IR blocks whose parameters carry the wasm block's parameters and
// results. Code after br / return / unreachable is skipped until the frame
// that makes it reachable again.
//
//   absl::StatusOr<ir::Function> f = TranslateFunction(module, 0);
//
// Semantics that the IR keeps implicit (and lowering must implement):
// division traps, shift counts modulo the width, memory bounds (guard pages),
// trapping float-to-int conversions. Reference values are i64 (null = 0).
#ifndef RUNTIME_TRANSLATOR_TRANSLATOR_H_
#define RUNTIME_TRANSLATOR_TRANSLATOR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "runtime/ir/ir.h"
#include "runtime/module.h"

namespace wasm {

// The IR type of a wasm value type (references are i64).
ir::Type IrType(ValType t);
ir::Signature IrSignature(const FuncType& type);

// `module` must have passed ValidateModule.
absl::StatusOr<ir::Function> TranslateFunction(const Module& module, uint32_t defined_index);

// Gives a translated function back once done with it: the next translations
// on this thread build in its arrays instead of allocating new ones.
void RecycleFunction(ir::Function f);

}  // namespace wasm

#endif  // RUNTIME_TRANSLATOR_TRANSLATOR_H_
