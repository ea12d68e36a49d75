// What the optimisation passes share: which instructions have effects or may
// trap, reading constants, rewriting an instruction in place, removing
// instructions and block parameters in batches, walking the dominator tree,
// and the PassContext that one pipeline's passes share (the control-flow
// graph, the branches into each block, scratch buffers).
//
// Passes mark instructions for removal in a Flags (a byte per instruction)
// and call RemoveMarked once at the end, so that removing many instructions
// from a long block stays linear.
#ifndef RUNTIME_OPT_UTIL_H_
#define RUNTIME_OPT_UTIL_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "runtime/ir/cfg.h"
#include "runtime/ir/ir.h"

namespace wasm::opt {

using ir::Block;
using ir::Function;
using ir::Inst;
using ir::IrOpcode;
using ir::Type;
using ir::Value;

// One flag per instruction, value or block: a byte each (faster to test and
// set than vector<bool>'s bits).
using Flags = std::vector<uint8_t>;

// A byte per opcode, computed at compile time by `bits(op)`: the passes'
// per-opcode properties, read with one load.
struct OpcodeTable {
  template <typename F>
  explicit constexpr OpcodeTable(F bits) {
    for (size_t i = 0; i < ir::kNumIrOpcodes; ++i) table[i] = bits(static_cast<IrOpcode>(i));
  }
  uint8_t operator[](IrOpcode op) const { return table[static_cast<uint8_t>(op)]; }
  uint8_t table[ir::kNumIrOpcodes] = {};
};

// --- Effects --------------------------------------------------------------------

namespace internal {

// What the effect queries below need to know of an opcode, as bits.
enum : uint8_t {
  kSideEffect = 1,  // HasSideEffects
  kTraps = 2,       // MayTrap, whatever the operands
  kDivision = 4,    // traps unless constant operands say otherwise
};
constexpr uint8_t EffectBits(IrOpcode op) {
  switch (op) {
    case IrOpcode::kStore:
    case IrOpcode::kGlobalSet:
      return kSideEffect;
    case IrOpcode::kCall:
    case IrOpcode::kCallIndirect:
    case IrOpcode::kCallBuiltin:
    case IrOpcode::kTrapIf:
    case IrOpcode::kTrap:
      return kSideEffect | kTraps;
    case IrOpcode::kLoad:
    case IrOpcode::kFcvtToSint:
    case IrOpcode::kFcvtToUint:
      return kTraps;
    case IrOpcode::kSdiv:
    case IrOpcode::kUdiv:
    case IrOpcode::kSrem:
    case IrOpcode::kUrem:
      return kDivision;
    default:
      return ir::IsTerminator(op) ? kSideEffect : 0;
  }
}
inline constexpr OpcodeTable kEffects(EffectBits);
inline uint8_t Effects(IrOpcode op) { return kEffects[op]; }

// MayTrap for a division.
bool DivisionMayTrap(const Function& f, Inst i);

}  // namespace internal

// Changes state other than its results or transfers control: store,
// global_set, the three calls, trap_if and the terminators.
inline bool HasSideEffects(IrOpcode op) { return internal::Effects(op) & internal::kSideEffect; }

// True when executing `i` may trap: loads (out of bounds), the trapping
// float-to-int conversions, calls, trap / trap_if, and integer divisions
// unless their operands are constants that rule out both the zero divisor
// and sdiv's INT_MIN / -1.
inline bool MayTrap(const Function& f, Inst i) {
  const uint8_t e = internal::Effects(f.inst(i).op);
  if (e & internal::kTraps) return true;
  return (e & internal::kDivision) && internal::DivisionMayTrap(f, i);
}

// Whether `i` may be deleted when its results are unused.
// Invariant: only instructions without side effects that cannot trap are
// ever removed as dead code.
inline bool IsRemovableIfUnused(const Function& f, Inst i) {
  const uint8_t e = internal::Effects(f.inst(i).op);
  if (e & (internal::kSideEffect | internal::kTraps)) return false;
  return !(e & internal::kDivision) || !internal::DivisionMayTrap(f, i);
}

// Division and remainder: the four opcodes that trap on a zero divisor.
inline bool IsDivision(IrOpcode op) { return internal::Effects(op) & internal::kDivision; }

// --- Constants ------------------------------------------------------------------

// Same for iconst, f32const and f64const.
inline std::optional<uint64_t> ConstantBits(const Function& f, Value v) {
  const Inst def = f.DefiningInst(v);
  if (!def.valid()) return std::nullopt;
  const ir::InstData& d = f.inst(def);
  if (ir::OpcodeFormat(d.op) != ir::Format::kConst || !d.block.valid()) return std::nullopt;
  return d.imm64;
}
// The bit pattern of `v` (resolved) when an iconst still in a block defines
// it; i32 values are in the low 32 bits.
inline std::optional<uint64_t> IntConstant(const Function& f, Value v) {
  const Inst def = f.DefiningInst(v);
  if (!def.valid()) return std::nullopt;
  const ir::InstData& d = f.inst(def);
  if (d.op != IrOpcode::kIconst || !d.block.valid()) return std::nullopt;
  return d.imm64;
}

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
// Returns whether that removed an edge of the control-flow graph (the branch
// also reached another block); either way the block calls changed. Passes
// call PassContext::RewriteAsJump, which keeps the context current.
bool RewriteAsJump(Function& f, Inst i, size_t target);

// Makes the result of `i` an alias of `v` and marks `i` for removal.
void ReplaceInstWithValue(Function& f, Inst i, Value v, Flags& removed);

// Takes every instruction with removed[i] out of its block. True if any was.
bool RemoveMarked(Function& f, const Flags& removed);
// The same, looking only at `blocks` (which hold every marked instruction).
bool RemoveMarkedIn(Function& f, const Flags& removed, absl::Span<const Block> blocks);

// --- Shared state of a pipeline ---------------------------------------------------

// What the passes of one Optimize call share: the control-flow graph and the
// branches into each block, computed once and kept until a pass changes
// edges or the layout, and scratch buffers, so that running the passes again
// and again allocates nothing once the buffers have grown.
//
//   PassContext ctx;
//   RunConstantFolding(f, ctx);   // rewrites branches with ctx.RewriteAsJump
//   RunGvn(f, ctx);               // reuses the graph folding computed
//
// Invariant: a pass that changes a terminator's targets, or the layout,
// tells the context before it returns (RewriteAsJump, InvalidateCfg,
// DropUnreachableBlocks); Optimize checks this when it verifies
// (CheckCfgIsCurrent).
class PassContext {
 public:
  // Drops the buffers (a few bytes per value and instruction) if `f` was
  // big, so that a context reused from function to function does not keep
  // them for the rest of its thread.
  void ReleaseIfBig(const Function& f) {
    constexpr size_t kKeepLimit = size_t{1} << 16;
    if (f.values.size() > kKeepLimit || f.insts.size() > kKeepLimit) *this = PassContext();
  }
  // The graph of `f`, computed now unless still valid.
  const ir::ControlFlowGraph& Cfg(const Function& f) {
    CfgOrder(f);
    if (!dominators_valid_) {
      cfg_.ComputeDominatorTree();  // the passes do not ask Dominates
      dominators_valid_ = true;
    }
    return cfg_;
  }
  // The same without the dominator tree (Idom, DomChildren, Dominates):
  // edges, reverse post-order and reachability only.
  const ir::ControlFlowGraph& CfgOrder(const Function& f) {
    if (!cfg_valid_) {
      cfg_.ComputeOrder(f);
      cfg_valid_ = order_valid_ = true;
      dominators_valid_ = false;
      removed_edges_.clear();
    } else if (!order_valid_) {
      UpdateOrder(f);
    }
    return cfg_;
  }
  // The branches into `b` from the terminators of every block in the layout
  // (reachable or not), as indexes into f.block_calls, in layout order. Call
  // ComputeIncoming first.
  absl::Span<const uint32_t> Incoming(Block b) const {
    return absl::MakeConstSpan(incoming_.data() + incoming_begin_[b.index],
                               incoming_end_[b.index] - incoming_begin_[b.index]);
  }
  // Makes Incoming() current for `f` (no work when it is).
  void ComputeIncoming(const Function& f);
  // After changing edges or the layout.
  void InvalidateCfg() {
    cfg_valid_ = order_valid_ = dominators_valid_ = incoming_valid_ = false;
    removed_edges_.clear();
  }
  // util.h's RewriteAsJump, keeping what is kept here current: the incoming
  // lists lose the dropped block calls, and the graph, if it lost an edge,
  // is brought up to date when next asked for (the object a pass holds
  // stays as it was until then): the edges lose the removed ones, and the
  // order and the dominator tree are recomputed from the edges, without
  // rescanning the terminators. Returns whether an edge went.
  bool RewriteAsJump(Function& f, Inst i, size_t target);
  // After the unreachable blocks left the layout (while the graph still
  // says which they were).
  void DropUnreachableBlocks();
  // Whether the kept graph and incoming lists equal freshly computed ones.
  bool CheckCfgIsCurrent(const Function& f) const;

  // Set by a pass that changed the function when running it again right
  // away would change nothing (it reached its own fixed point); Optimize
  // clears it before each pass and then skips the pass until another one
  // changes something.
  bool at_fixed_point = false;
  // Cleared by a pass that changed the function when none of its changes
  // can give constant folding (may_enable_folding) or redundant-check
  // removal (may_enable_checks) new work: GVN when it only merged values
  // that no instruction the pass simplifies uses, DCE when it only removed
  // dead instructions, check removal (for folding) when it only removed
  // trap_ifs and decided branches. Optimize sets both before each pass and
  // then keeps skipping the pass as before.
  bool may_enable_folding = true;
  bool may_enable_checks = true;
  // Set by DCE, which resolves every operand and block argument of the
  // instructions in the layout to a value that is not an alias; cleared by
  // Optimize before any other pass that changes the function (which may
  // make aliases). Optimize resolves the aliases at the end unless set.
  bool aliases_resolved = false;

  // Scratch buffers, kept from pass to pass (and, in Optimize, from function
  // to function) so that they are allocated once. Each pass sizes and clears
  // the ones it uses; none holds anything between passes.
  Flags removed;    // by instruction
  Flags flags_a;    // by value or block, as a pass needs
  Flags flags_b;
  std::vector<uint32_t> u32_a;
  std::vector<uint32_t> u32_b;
  std::vector<uint64_t> u64_a;
  std::vector<Value> values;
  std::vector<Block> blocks;
  std::vector<std::pair<Block, uint32_t>> walk_stack;  // WalkDominatorTree's
  // GVN's hash table and the instructions it holds (key, value and slot).
  // Invariant: value_table is all zero between uses.
  std::vector<uint64_t> value_table;
  struct GvnEntry {
    uint64_t key[3];
    Value value;
    uint32_t slot;
  };
  std::vector<GvnEntry> gvn_seen;

 private:
  // Applies removed_edges_ to cfg_ and recomputes its order.
  void UpdateOrder(const Function& f);

  ir::ControlFlowGraph cfg_;
  bool cfg_valid_ = false;         // edges, but for removed_edges_
  bool order_valid_ = false;       // and the order (removed_edges_ is empty)
  bool dominators_valid_ = false;  // and the dominator tree
  // Edges (from, to) that RewriteAsJump removed from the function since
  // cfg_'s edges were last brought up to date.
  std::vector<std::pair<Block, Block>> removed_edges_;
  // Incoming(b) is incoming_[incoming_begin_[b], incoming_end_[b]), whose
  // branches are in the blocks incoming_source_[same range].
  std::vector<uint32_t> incoming_begin_;
  std::vector<uint32_t> incoming_end_;
  std::vector<uint32_t> incoming_;
  std::vector<Block> incoming_source_;
  bool incoming_valid_ = false;
};

// Removes the parameters p with dead[p.index] (a mask over values) of each
// block in `blocks` (each once, all in the layout), and the matching argument
// from every branch to them in the layout (ctx.Incoming, which must be
// current).
// Invariant: the removed parameters have no remaining uses (alias them with
// ReplaceUses first when they have).
bool RemoveBlockParams(Function& f, const PassContext& ctx, absl::Span<const Block> blocks,
                       const Flags& dead);

// --- Dominator tree -------------------------------------------------------------

// Visits the reachable blocks in dominator-tree pre-order (children in
// reverse post-order), calling enter(b) before the blocks b dominates and
// leave(b) after them. Iterative: deep trees do not use the C++ stack.
// `stack` is scratch.
template <typename Enter, typename Leave>
void WalkDominatorTree(const ir::ControlFlowGraph& cfg,
                       std::vector<std::pair<Block, uint32_t>>& stack, Enter enter, Leave leave) {
  const absl::Span<const Block> rpo = cfg.ReversePostOrder();
  if (rpo.empty()) return;
  // (block, next child to visit)
  stack.clear();
  stack.push_back({rpo[0], 0});
  enter(rpo[0]);
  while (!stack.empty()) {
    const Block b = stack.back().first;
    const absl::Span<const Block> children = cfg.DomChildren(b);
    if (stack.back().second < children.size()) {
      const Block child = children[stack.back().second++];
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
