// Global value numbering over the dominator tree, and copy propagation of
// block parameters.
//
// Copy propagation: a parameter of a reachable block other than the entry
// whose incoming arguments are all one value v, or the parameter itself (a
// loop passing it back unchanged), stands for v: its uses are aliased to v
// and it is removed with its arguments. Repeated until nothing changes. A
// loop-carried parameter (`jump block1(v0)` in, `jump block1(v5)` around the
// loop) is left alone.
//
// Value numbering: walks the dominator tree from the entry with a scoped
// table of the instructions seen on the way. An instruction is replaced by an
// earlier one (its result aliased, itself removed) when both have the same
// opcode, type, condition, immediates and resolved operands (commutative
// integer operations compare their operands in either order), and the
// earlier one dominates it: in a diamond, the join reuses what the entry
// computed, never what one arm computed.
//
// Which instructions take part: constants, unary, binary, icmp, fcmp and
// select; their results depend on their operands only. This includes the
// divisions and trapping conversions: a duplicate dominated by its twin
// cannot trap (the twin would have) and yields the same value. Loads,
// global_get and calls do not (memory and globals change).
//
// Invariant: the replacing value dominates every use of the replaced one.
#ifndef RUNTIME_OPT_GVN_H_
#define RUNTIME_OPT_GVN_H_

#include "runtime/ir/ir.h"
#include "runtime/opt/util.h"

namespace wasm::opt {

// Copy propagation, then value numbering. True if it changed the function.
bool RunGvn(ir::Function& f);
// The same, sharing the graph and scratch buffers of a pipeline (util.h).
bool RunGvn(ir::Function& f, PassContext& ctx);

// The two halves, for tests.
bool PropagateBlockParamCopies(ir::Function& f);
bool NumberValues(ir::Function& f);
bool PropagateBlockParamCopies(ir::Function& f, PassContext& ctx);
bool NumberValues(ir::Function& f, PassContext& ctx);

}  // namespace wasm::opt

#endif  // RUNTIME_OPT_GVN_H_
