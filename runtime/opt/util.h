// What the optimisation passes share: which instructions have effects or may
// trap, reading constants, rewriting an instruction in place, removing
// instructions and block parameters in batches, and walking the dominator
// tree.
//
// Passes mark instructions for removal in a vector<bool> and call
// RemoveMarked once at the end, so that removing many instructions from a
// long block stays linear.
#ifndef RUNTIME_OPT_UTIL_H_
#define RUNTIME_OPT_UTIL_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/ir/cfg.h"
#include "runtime/ir/ir.h"

namespace wasm::opt {

using ir::Block;
using ir::Function;
using ir::Inst;
using ir::IrOpcode;
using ir::Type;
using ir::Value;

// --- Effects --------------------------------------------------------------------

// Changes state other than its results or transfers control: store,
// global_set, the three calls, trap_if and the terminators.
bool HasSideEffects(IrOpcode op);

// True when executing `i` may trap: loads (out of bounds), the trapping
// float-to-int conversions, calls, trap / trap_if, and integer divisions
// unless their operands are constants that rule out both the zero divisor
// and sdiv's INT_MIN / -1.
bool MayTrap(const Function& f, Inst i);

// Whether `i` may be deleted when its results are unused.
// Invariant: only instructions without side effects that cannot trap are
// ever removed as dead code.
inline bool IsRemovableIfUnused(const Function& f, Inst i) {
  return !HasSideEffects(f.inst(i).op) && !MayTrap(f, i);
}

// Division and remainder: the four opcodes that trap on a zero divisor.
bool IsDivision(IrOpcode op);

// --- Constants ------------------------------------------------------------------

// The bit pattern of `v` (resolved) when an iconst still in a block defines
// it; i32 values are in the low 32 bits.
std::optional<uint64_t> IntConstant(const Function& f, Value v);
// Same for iconst, f32const and f64const.
std::optional<uint64_t> ConstantBits(const Function& f, Value v);

// Keeps the low 32 bits for i32, all 64 for i64.
inline uint64_t Truncate(Type t, uint64_t bits) {
  return (t == Type::kI32 || t == Type::kF32) ? bits & 0xffffffffu : bits;
}

// --- Rewriting ------------------------------------------------------------------

// Turns `i`, an instruction with one result of type `t`, into the constant
// `bits` of that type (iconst / f32const / f64const). The result keeps its
// number, so uses need no update.
void RewriteAsConstant(Function& f, Inst i, Type t, uint64_t bits);

// Turns the brif or br_table `i` into a jump to its `target`-th block call
// (for brif: 0 = then, 1 = else; for br_table, the last is the default).
void RewriteAsJump(Function& f, Inst i, size_t target);

// Makes the result of `i` an alias of `v` and marks `i` for removal.
void ReplaceInstWithValue(Function& f, Inst i, Value v, std::vector<bool>& removed);

// Takes every instruction with removed[i] out of its block. True if any was.
bool RemoveMarked(Function& f, const std::vector<bool>& removed);

// Removes the parameters dead[b][k] of each block b, and the matching
// argument from every branch to b in the layout. dead[b] may be empty (no
// change) or have one entry per parameter.
// Invariant: the removed parameters have no remaining uses (alias them with
// ReplaceUses first when they have).
bool RemoveBlockParams(Function& f, const std::vector<std::vector<bool>>& dead);

// --- Dominator tree -------------------------------------------------------------

// Visits the reachable blocks in dominator-tree pre-order (children in
// reverse post-order), calling enter(b) before the blocks b dominates and
// leave(b) after them. Iterative: deep trees do not use the C++ stack.
template <typename Enter, typename Leave>
void WalkDominatorTree(const ir::ControlFlowGraph& cfg, size_t num_blocks, Enter enter,
                       Leave leave) {
  const absl::Span<const Block> rpo = cfg.ReversePostOrder();
  if (rpo.empty()) return;
  std::vector<std::vector<Block>> children(num_blocks);
  for (Block b : rpo.subspan(1)) children[cfg.Idom(b).index].push_back(b);
  // (block, next child to visit)
  std::vector<std::pair<Block, size_t>> stack = {{rpo[0], 0}};
  enter(rpo[0]);
  while (!stack.empty()) {
    auto& [b, next] = stack.back();
    if (next < children[b.index].size()) {
      const Block child = children[b.index][next++];
      enter(child);
      stack.push_back({child, 0});
    } else {
      leave(b);
      stack.pop_back();
    }
  }
}

}  // namespace wasm::opt

#endif  // RUNTIME_OPT_UTIL_H_
