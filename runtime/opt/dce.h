// Dead code elimination: unreachable blocks, unused pure instructions and
// unused block parameters.
//
// 1. Blocks that cannot be reached from the entry leave the layout.
// 2. A mark phase finds the live values: the operands of every instruction
//    that has side effects or may trap (util.h: stores, global_set, calls,
//    call_builtin, trap_if, loads, trapping divisions and conversions,
//    terminators) are live; an instruction defining a live value is live;
//    a live block parameter makes the matching argument of every branch to
//    its block live. Branch arguments are not live by themselves, so a value
//    that only circulates around a loop (a counter nobody reads) is dead.
// 3. Every instruction not marked is removed (it is pure and unused), and so
//    is every unmarked parameter of a block other than the entry, with the
//    matching argument of each branch to it.
//
// Invariant: an instruction that may trap or has effects is never removed,
// even when its results are unused: `v1 = sdiv.i32 v0, v0` stays, a dead
// `load` stays. The entry block keeps the signature's parameters. Only jump
// and brif pass block arguments (br_table targets take none), so every other
// block's parameters can be removed by rewriting its predecessors' branches.
#ifndef RUNTIME_OPT_DCE_H_
#define RUNTIME_OPT_DCE_H_

#include "runtime/ir/ir.h"
#include "runtime/opt/util.h"

namespace wasm::opt {

// Returns true if it changed the function.
bool RunDce(ir::Function& f);
// The same, sharing the graph and scratch buffers of a pipeline (util.h).
bool RunDce(ir::Function& f, PassContext& ctx);

// Step 1 alone: removes the blocks not reachable from the entry from the
// layout (their instructions get an invalid block). True if any was.
bool RemoveUnreachableBlocks(ir::Function& f);
bool RemoveUnreachableBlocks(ir::Function& f, PassContext& ctx);

}  // namespace wasm::opt

#endif  // RUNTIME_OPT_DCE_H_
