#include "runtime/ir/cfg.h"

#include <algorithm>

namespace wasm::ir {

void ControlFlowGraph::Compute(const Function& f) {
  ComputeOrder(f);
  ComputeDominators();
}

void ControlFlowGraph::ComputeOrder(const Function& f) {
  const uint32_t n = static_cast<uint32_t>(f.blocks.size());
  // Successors, in one pass over the terminators of the layout, counting
  // each block's predecessors on the way; then the predecessors (CSR), in
  // layout order.
  succ_begin_.assign(n, 0);
  succ_end_.assign(n, 0);
  pred_begin_.assign(n + 1, 0);
  seen_from_.assign(n, kUnreached);
  succs_.clear();
  for (Block b : f.layout) {
    succ_begin_[b.index] = static_cast<uint32_t>(succs_.size());
    const std::vector<Inst>& insts = f.blocks[b.index].insts;
    if (!insts.empty()) {
      const InstData& d = f.insts[insts.back().index];
      if (IsTerminator(d.op)) {
        const BlockCall* calls = f.block_calls.data() + d.targets_begin;
        for (uint32_t t = 0; t < d.targets_count; ++t) {
          const Block s = calls[t].block;
          if (s.index >= n || seen_from_[s.index] == b.index) continue;
          seen_from_[s.index] = b.index;
          succs_.push_back(s);
          ++pred_begin_[s.index + 1];
        }
      }
    }
    succ_end_[b.index] = static_cast<uint32_t>(succs_.size());
  }
  for (uint32_t i = 0; i < n; ++i) pred_begin_[i + 1] += pred_begin_[i];
  preds_.resize(pred_begin_[n]);
  next_.assign(pred_begin_.begin(), pred_begin_.end() - 1);
  for (Block b : f.layout) {
    for (uint32_t k = succ_begin_[b.index]; k < succ_end_[b.index]; ++k) {
      preds_[next_[succs_[k].index]++] = b;
    }
  }

  rpo_.clear();
  rpo_index_.assign(n, kUnreached);
  if (f.layout.empty()) return;

  // Iterative depth-first post-order from the entry block (rpo_ holds the
  // post-order until it is reversed; rpo_index_ 0 marks visited blocks).
  stack_.clear();
  stack_.push_back({f.layout[0], succ_begin_[f.layout[0].index]});
  rpo_index_[f.layout[0].index] = 0;
  while (!stack_.empty()) {
    const Block b = stack_.back().first;
    const uint32_t k = stack_.back().second;
    if (k < succ_end_[b.index]) {
      ++stack_.back().second;
      const Block s = succs_[k];
      if (rpo_index_[s.index] == kUnreached) {
        rpo_index_[s.index] = 0;
        stack_.push_back({s, succ_begin_[s.index]});
      }
    } else {
      rpo_.push_back(b);
      stack_.pop_back();
    }
  }
  std::reverse(rpo_.begin(), rpo_.end());
  const uint32_t num_reachable = static_cast<uint32_t>(rpo_.size());
  for (uint32_t i = 0; i < num_reachable; ++i) rpo_index_[rpo_[i].index] = i;
}

void ControlFlowGraph::ComputeDominators() {
  const uint32_t n = static_cast<uint32_t>(rpo_index_.size());
  idom_.assign(n, Block());
  dom_children_begin_.assign(n + 1, 0);
  dom_children_.clear();
  dom_pre_.assign(n, 0);
  dom_post_.assign(n, 0);
  if (rpo_.empty()) return;
  const uint32_t num_reachable = static_cast<uint32_t>(rpo_.size());

  // Cooper-Harvey-Kennedy: idom[b] = intersection of the processed
  // predecessors' dominators, iterated to a fixed point in reverse
  // post-order. The first pass sees every predecessor before its successor
  // except along retreating edges; only the targets of those can change in
  // a second pass, and if none does, nothing else can either.
  const Block entry = rpo_[0];
  idom_[entry.index] = entry;
  auto intersect = [&](Block a, Block b) {
    while (a != b) {
      while (rpo_index_[a.index] > rpo_index_[b.index]) a = idom_[a.index];
      while (rpo_index_[b.index] > rpo_index_[a.index]) b = idom_[b.index];
    }
    return a;
  };
  auto meet = [&](Block b) {
    Block new_idom;
    for (Block p : Predecessors(b)) {
      if (rpo_index_[p.index] == kUnreached || !idom_[p.index].valid()) continue;
      new_idom = new_idom.valid() ? intersect(p, new_idom) : p;
    }
    return new_idom;
  };
  retreating_.clear();
  for (uint32_t i = 1; i < num_reachable; ++i) {
    const Block b = rpo_[i];
    Block new_idom;
    for (Block p : Predecessors(b)) {
      const uint32_t pi = rpo_index_[p.index];
      if (pi == kUnreached) continue;
      if (pi >= i) {
        if (retreating_.empty() || retreating_.back() != b) retreating_.push_back(b);
        continue;
      }
      new_idom = new_idom.valid() ? intersect(p, new_idom) : p;
    }
    idom_[b.index] = new_idom;
  }
  bool changed = false;
  for (Block b : retreating_) {
    if (meet(b) != idom_[b.index]) {
      changed = true;
      break;
    }
  }
  while (changed) {
    changed = false;
    for (uint32_t i = 1; i < num_reachable; ++i) {
      const Block b = rpo_[i];
      const Block new_idom = meet(b);
      if (new_idom != idom_[b.index]) {
        idom_[b.index] = new_idom;
        changed = true;
      }
    }
  }
  idom_[entry.index] = Block();  // the entry has no immediate dominator

  // The dominator tree's children lists (CSR), each in reverse post-order.
  for (uint32_t i = 1; i < num_reachable; ++i) ++dom_children_begin_[idom_[rpo_[i].index].index + 1];
  for (uint32_t i = 0; i < n; ++i) dom_children_begin_[i + 1] += dom_children_begin_[i];
  dom_children_.resize(dom_children_begin_[n]);
  next_.assign(dom_children_begin_.begin(), dom_children_begin_.end() - 1);
  for (uint32_t i = 1; i < num_reachable; ++i) {
    dom_children_[next_[idom_[rpo_[i].index].index]++] = rpo_[i];
  }

  // Number the dominator tree iteratively (no recursion on input).
  uint32_t pre_number = 0, post_number = 0;
  stack_.clear();
  stack_.push_back({entry, dom_children_begin_[entry.index]});
  dom_pre_[entry.index] = pre_number++;
  while (!stack_.empty()) {
    const Block b = stack_.back().first;
    const uint32_t k = stack_.back().second;
    if (k < dom_children_begin_[b.index + 1]) {
      ++stack_.back().second;
      const Block c = dom_children_[k];
      dom_pre_[c.index] = pre_number++;
      stack_.push_back({c, dom_children_begin_[c.index]});
    } else {
      dom_post_[b.index] = post_number++;
      stack_.pop_back();
    }
  }
}

void ControlFlowGraph::DropUnreachableEdges() {
  const uint32_t n = static_cast<uint32_t>(rpo_index_.size());
  for (uint32_t b = 0; b < n; ++b) {
    if (rpo_index_[b] == kUnreached) succ_end_[b] = succ_begin_[b];
  }
  uint32_t out = 0;
  for (uint32_t b = 0; b < n; ++b) {
    const uint32_t begin = pred_begin_[b], end = pred_begin_[b + 1];
    pred_begin_[b] = out;
    for (uint32_t k = begin; k < end; ++k) {
      if (IsReachable(preds_[k])) preds_[out++] = preds_[k];
    }
  }
  pred_begin_[n] = out;
  preds_.resize(out);
}

bool ControlFlowGraph::Dominates(Block a, Block b) const {
  if (!IsReachable(a) || !IsReachable(b)) return false;
  return dom_pre_[a.index] <= dom_pre_[b.index] && dom_post_[b.index] <= dom_post_[a.index];
}

}  // namespace wasm::ir
