// Constant folding and algebraic simplification.
//
//   v0 = iconst.i32 2                      v0 = iconst.i32 2
//   v1 = iconst.i32 3            ──►       v1 = iconst.i32 3
//   v2 = iadd.i32 v0, v1                   v2 = iconst.i32 5
//
// Folds, with WebAssembly's semantics (fold.h has the exact rules):
// - unary, binary, icmp, fcmp and select with constant operands; an
//   instruction becomes a constant in place, so its result keeps its number;
// - division and remainder only when they cannot trap: the divisor is a
//   non-zero constant and sdiv is not INT_MIN / -1 (srem INT_MIN, -1 is 0);
// - identities on integers: x+0, x-0, x*1, x&-1, x|0, x^0, shifts and rotates
//   by a multiple of the width, x/1 → x; x*0, x&0 → 0; x|-1 → -1;
//   x%1, x%-1 (srem) → 0; x-x, x^x → 0; x&x, x|x → x; 0 shifted → 0. An
//   identity makes the result an alias of x (Function::ReplaceUses) and
//   removes the instruction;
// - select with a constant condition or two equal operands;
// - brif on a constant, or with two identical targets, and br_table on a
//   constant index or with one target everywhere → jump. The blocks no longer
//   reached stay in the layout for dce.
//
// Visits the reachable blocks in reverse post-order, so chains of constants
// fold in one run. Does not remove instructions that become unused (dce
// does), and never touches instructions with effects other than branches.
//
// Invariant: the function verifies before and after; an instruction that
// may trap is only folded when the constants prove it does not.
#ifndef RUNTIME_OPT_CONSTANT_FOLDING_H_
#define RUNTIME_OPT_CONSTANT_FOLDING_H_

#include "runtime/ir/ir.h"
#include "runtime/opt/util.h"

namespace wasm::opt {

// Returns true if it changed the function.
bool RunConstantFolding(ir::Function& f);
// The same, sharing the graph and scratch buffers of a pipeline (util.h).
bool RunConstantFolding(ir::Function& f, PassContext& ctx);

}  // namespace wasm::opt

#endif  // RUNTIME_OPT_CONSTANT_FOLDING_H_
