// Control-flow graph of a Function: successors and predecessors per block, a
// reverse post-order of the reachable blocks, and the dominator tree
// (Cooper, Harvey & Kennedy, "A Simple, Fast Dominance Algorithm").
//
//   ControlFlowGraph cfg(f);
//   for (Block b : cfg.ReversePostOrder()) ...
//   if (cfg.Dominates(a, b)) ...
//
// Storage is flat (CSR: one array of edges and one offset per block), and
// Compute() reuses it, so a pass pipeline that keeps one graph and
// recomputes it only after changing edges allocates nothing per run.
#ifndef RUNTIME_IR_CFG_H_
#define RUNTIME_IR_CFG_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "runtime/ir/ir.h"

namespace wasm::ir {

class ControlFlowGraph {
 public:
  // An empty graph; call Compute before use.
  ControlFlowGraph() = default;
  // Invariant: computed from `f` as it is now; rebuild after changing edges
  // (a terminator's targets) or the layout.
  explicit ControlFlowGraph(const Function& f) { Compute(f); }

  // (Re)computes the graph of `f`, reusing this object's storage.
  void Compute(const Function& f);
  // Compute in two steps, for users that may not need the dominators: the
  // edges and the reverse post-order, then the dominator tree (Idom,
  // DomChildren, Dominates), which needs the first.
  void ComputeOrder(const Function& f);
  void ComputeDominators();
  // The dominator tree without the numbering that makes Dominates O(1)
  // (Dominates then walks the idom chain), for users that only need Idom
  // and DomChildren.
  void ComputeDominatorTree();
  // After RemoveEdge: recomputes the reverse post-order and reachability of
  // `f` (whose layout must be the one the edges were computed from) from the
  // edges kept here, without rescanning the terminators; then the dominator
  // tree is stale until ComputeDominators.
  void RecomputeOrder(const Function& f);
  // Takes the edge `from` -> `to` out of the successors of `from` and the
  // predecessors of `to` (both keep their order), as when `from`'s
  // terminator no longer targets `to`. The order and the dominator tree are
  // stale until RecomputeOrder and ComputeDominators.
  void RemoveEdge(Block from, Block to);
  // Updates the graph after the unreachable blocks left the layout: what
  // Compute would give then, without recomputing the dominators (which
  // unreachable blocks do not affect).
  void DropUnreachableEdges();

  // Distinct successors in the order of the terminator's targets.
  absl::Span<const Block> Successors(Block b) const {
    return absl::MakeConstSpan(succs_.data() + succ_begin_[b.index],
                               succ_end_[b.index] - succ_begin_[b.index]);
  }
  // Every block of the layout with an edge to `b` (once each), in layout order.
  absl::Span<const Block> Predecessors(Block b) const {
    return absl::MakeConstSpan(preds_.data() + pred_begin_[b.index],
                               pred_end_[b.index] - pred_begin_[b.index]);
  }
  // Reachable blocks, entry first, each before its successors except along
  // back edges.
  absl::Span<const Block> ReversePostOrder() const { return rpo_; }
  bool IsReachable(Block b) const { return rpo_index_[b.index] != kUnreached; }
  // The immediate dominator; invalid for the entry and unreachable blocks.
  Block Idom(Block b) const { return idom_[b.index]; }
  // The blocks `b` immediately dominates, in reverse post-order.
  absl::Span<const Block> DomChildren(Block b) const {
    return Range(dom_children_, dom_children_begin_, b);
  }
  // True if `a` dominates `b` (a block dominates itself). False when either
  // is unreachable. O(1) after ComputeDominators, O(depth of b) after
  // ComputeDominatorTree.
  bool Dominates(Block a, Block b) const;
  uint32_t RpoIndex(Block b) const { return rpo_index_[b.index]; }
  // The number of blocks of the function it was computed from.
  size_t NumBlocks() const { return rpo_index_.size(); }

 private:
  static constexpr uint32_t kUnreached = 0xffffffffu;
  static absl::Span<const Block> Range(const std::vector<Block>& v,
                                       const std::vector<uint32_t>& begin, Block b) {
    return absl::MakeConstSpan(v.data() + begin[b.index], begin[b.index + 1] - begin[b.index]);
  }

  // The successors of block b are succs_[succ_begin_[b], succ_end_[b]) (in
  // layout order of b); its predecessors preds_[pred_begin_[b],
  // pred_end_[b]) (CSR with an end per block, so that RemoveEdge can shorten
  // a range in place).
  std::vector<uint32_t> succ_begin_;
  std::vector<uint32_t> succ_end_;
  std::vector<Block> succs_;
  std::vector<uint32_t> pred_begin_;
  std::vector<uint32_t> pred_end_;
  std::vector<Block> preds_;
  std::vector<Block> rpo_;
  std::vector<uint32_t> rpo_index_;
  std::vector<Block> idom_;
  std::vector<uint32_t> dom_children_begin_;
  std::vector<Block> dom_children_;
  // Pre- and post-order numbers of a depth-first walk of the dominator tree:
  // a dominates b iff pre[a] <= pre[b] and post[b] <= post[a].
  // Only with dom_numbered_ (ComputeDominators, not ComputeDominatorTree).
  std::vector<uint32_t> dom_pre_;
  std::vector<uint32_t> dom_post_;
  bool dom_numbered_ = false;
  // Scratch for Compute: last block that added each successor (to keep
  // successors distinct), the depth-first walks' stack, fill positions, and
  // the blocks with an edge from a block not before them in reverse
  // post-order (only they can need a second pass of the dominator fixpoint).
  std::vector<uint32_t> seen_from_;
  std::vector<std::pair<Block, uint32_t>> stack_;
  std::vector<uint32_t> next_;
  std::vector<Block> retreating_;
};

}  // namespace wasm::ir

#endif  // RUNTIME_IR_CFG_H_
