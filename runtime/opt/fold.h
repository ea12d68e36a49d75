// Evaluation of IR operations on constant bit patterns, with WebAssembly's
// semantics, for constant folding. Every function returns nullopt when the
// operation must not be folded: it would trap (division by zero, INT_MIN / -1,
// an out-of-range trapping conversion), or it is a float operation whose
// result we do not promise to compute bit-exactly at compile time.
//
// Values are bit patterns in a uint64_t; i32 and f32 use the low 32 bits (the
// high bits of inputs are ignored, outputs have them zero).
//
//   EvalBinary(IrOpcode::kIshl, Type::kI32, 1, 33) == 2   // count mod 32
//   EvalBinary(IrOpcode::kSdiv, Type::kI32, 0x80000000, 0xffffffff) == nullopt
//
// What is folded:
//   integers  every unary, binary and compare opcode, exactly;
//   floats    only what is exact by construction: fneg, fabs, fcopysign and
//             bitcast (bit operations); fcmp (comparisons are exact, with
//             ordered conditions false on NaN and ne true); fceil, ffloor,
//             ftrunc, fpromote of non-NaN inputs; fdemote of non-NaN values
//             that f32 represents exactly; int-to-float conversions whose
//             result is exact; float-to-int conversions (truncation is
//             exact; the trapping ones only in range).
//   Never:    fadd, fsub, fmul, fdiv, fmin, fmax, fsqrt, fnearest, and any
//             float operation whose result would be a NaN (wasm leaves NaN
//             payloads partly nondeterministic; the machine code decides).
#ifndef RUNTIME_OPT_FOLD_H_
#define RUNTIME_OPT_FOLD_H_

#include <cstdint>
#include <optional>

#include "runtime/ir/ir.h"

namespace wasm::opt {

// A unary opcode; `result` is the instruction's type, `operand` its
// operand's.
std::optional<uint64_t> EvalUnary(ir::IrOpcode op, ir::Type result, ir::Type operand, uint64_t a);

// A binary opcode of type `t` (both operands and the result).
std::optional<uint64_t> EvalBinary(ir::IrOpcode op, ir::Type t, uint64_t a, uint64_t b);

// icmp / fcmp of type `t`. nullopt for a condition that does not belong to
// the kind of compare.
std::optional<bool> EvalIntCompare(ir::Cond c, ir::Type t, uint64_t a, uint64_t b);
std::optional<bool> EvalFloatCompare(ir::Cond c, ir::Type t, uint64_t a, uint64_t b);

}  // namespace wasm::opt

#endif  // RUNTIME_OPT_FOLD_H_
