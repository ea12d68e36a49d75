// Control-flow graph of a Function: successors and predecessors per block, a
// reverse post-order of the reachable blocks, and the dominator tree
// (Cooper, Harvey & Kennedy, "A Simple, Fast Dominance Algorithm").
//
//   ControlFlowGraph cfg(f);
//   for (Block b : cfg.ReversePostOrder()) ...
//   if (cfg.Dominates(a, b)) ...
#ifndef RUNTIME_IR_CFG_H_
#define RUNTIME_IR_CFG_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "runtime/ir/ir.h"

namespace wasm::ir {

class ControlFlowGraph {
 public:
  // Invariant: computed from `f` as it is now; rebuild after changing edges.
  explicit ControlFlowGraph(const Function& f);

  absl::Span<const Block> Successors(Block b) const { return succs_[b.index]; }
  absl::Span<const Block> Predecessors(Block b) const { return preds_[b.index]; }
  // Reachable blocks, entry first, each before its successors except along
  // back edges.
  absl::Span<const Block> ReversePostOrder() const { return rpo_; }
  bool IsReachable(Block b) const { return rpo_index_[b.index] != kUnreached; }
  // The immediate dominator; invalid for the entry and unreachable blocks.
  Block Idom(Block b) const { return idom_[b.index]; }
  // True if `a` dominates `b` (a block dominates itself). False when either
  // is unreachable. O(1).
  bool Dominates(Block a, Block b) const;
  uint32_t RpoIndex(Block b) const { return rpo_index_[b.index]; }

 private:
  static constexpr uint32_t kUnreached = 0xffffffffu;
  std::vector<std::vector<Block>> succs_;
  std::vector<std::vector<Block>> preds_;
  std::vector<Block> rpo_;
  std::vector<uint32_t> rpo_index_;
  std::vector<Block> idom_;
  // Pre- and post-order numbers of a depth-first walk of the dominator tree:
  // a dominates b iff pre[a] <= pre[b] and post[b] <= post[a].
  std::vector<uint32_t> dom_pre_;
  std::vector<uint32_t> dom_post_;
};

}  // namespace wasm::ir

#endif  // RUNTIME_IR_CFG_H_
