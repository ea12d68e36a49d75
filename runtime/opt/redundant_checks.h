// Removal of redundant checks: trap_if instructions that cannot fire, and
// tests whose outcome the dominating code already decided.
//
// Walks the dominator tree with a scoped set of facts "value v is zero" /
// "v is non-zero" that hold wherever the block that learnt them dominates:
// - after `trap_if c`, c is zero (otherwise execution stopped there);
// - after a division or remainder by d, d is non-zero (it would have
//   trapped);
// - on entering a block whose only predecessor ends in `brif c` with two
//   different targets, c is non-zero in the then-block, zero in the
//   else-block;
// - `icmp eq x, 0` is non-zero exactly when x is zero and `icmp ne x, 0`
//   when x is non-zero (either operand order); facts flow both ways through
//   them, so `trap_if (icmp eq x, 0)` followed by another such check of x,
//   or by a division by x, are linked.
// It then
// - removes `trap_if c` when c is known zero (a constant 0 included), e.g. a
//   second trap_if on the same resolved condition dominated by the first;
// - turns `brif c` into a jump, and `select c, a, b` into a or b, when c is
//   known;
// - folds an integer `icmp x, x`: eq, sle, sge, ule, uge are 1; the rest 0.
//
// Division checks: the IR has no flag for "this division needs no zero
// check", so this pass does not record one. The lowering asks
// RequiredDivisionChecks() instead, which answers from the operands
// (a non-zero constant divisor needs no zero check; a constant divisor other
// than -1, or a constant dividend other than INT_MIN, needs no overflow
// check), so the answer cannot go stale when other passes rewrite the code.
//
// Invariant: a trap that can happen is never removed; a check is removed
// only when a dominating fact proves its condition zero.
#ifndef RUNTIME_OPT_REDUNDANT_CHECKS_H_
#define RUNTIME_OPT_REDUNDANT_CHECKS_H_

#include "runtime/ir/ir.h"
#include "runtime/opt/util.h"

namespace wasm::opt {

// Returns true if it changed the function.
bool RunRedundantChecks(ir::Function& f);
// The same, sharing the graph and scratch buffers of a pipeline (util.h).
bool RunRedundantChecks(ir::Function& f, PassContext& ctx);

// Which run-time checks the lowering of sdiv / udiv / srem / urem `i` must
// emit. `overflow` concerns sdiv (INT_MIN / -1 traps) and srem (INT_MIN % -1
// must produce 0, where x86's idiv would fault); it is false for the
// unsigned ones.
struct DivisionChecks {
  bool zero = true;
  bool overflow = true;
};
DivisionChecks RequiredDivisionChecks(const ir::Function& f, ir::Inst i);

}  // namespace wasm::opt

#endif  // RUNTIME_OPT_REDUNDANT_CHECKS_H_
