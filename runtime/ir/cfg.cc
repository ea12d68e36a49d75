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
  // layout order. The loops write through raw pointers into storage sized
  // up front: succs_ gets at most one entry per block call (it may be longer
  // than the successors; succ_begin_ / succ_end_ delimit them).
  succ_begin_.assign(n, 0);
  succ_end_.assign(n, 0);
  pred_begin_.assign(n + 1, 0);
  seen_from_.assign(n, kUnreached);
  if (succs_.size() < f.block_calls.size()) succs_.resize(f.block_calls.size());
  uint32_t* const succ_begin = succ_begin_.data();
  uint32_t* const succ_end = succ_end_.data();
  uint32_t* const pred_count = pred_begin_.data() + 1;
  uint32_t* const seen_from = seen_from_.data();
  Block* const succs = succs_.data();
  const InstData* const insts = f.insts.data();
  const BlockCall* const all_calls = f.block_calls.data();
  uint32_t num_succs = 0;
  for (Block b : f.layout) {
    succ_begin[b.index] = num_succs;
    const std::vector<Inst>& list = f.blocks[b.index].insts;
    if (!list.empty()) {
      const InstData& d = insts[list.back().index];
      if (IsTerminator(d.op)) {
        const BlockCall* calls = all_calls + d.targets_begin;
        for (uint32_t t = 0; t < d.targets_count; ++t) {
          const Block s = calls[t].block;
          if (s.index >= n || seen_from[s.index] == b.index) continue;
          seen_from[s.index] = b.index;
          succs[num_succs++] = s;
          ++pred_count[s.index];
        }
      }
    }
    succ_end[b.index] = num_succs;
  }
  for (uint32_t i = 0; i < n; ++i) pred_begin_[i + 1] += pred_begin_[i];
  preds_.resize(pred_begin_[n]);
  pred_end_.assign(pred_begin_.begin(), pred_begin_.end() - 1);
  {
    uint32_t* const next = pred_end_.data();
    Block* const preds = preds_.data();
    for (Block b : f.layout) {
      for (uint32_t k = succ_begin[b.index]; k < succ_end[b.index]; ++k) {
        preds[next[succs[k].index]++] = b;
      }
    }
  }
  RecomputeOrder(f);
}

void ControlFlowGraph::RemoveEdge(Block from, Block to) {
  auto remove = [](std::vector<Block>& v, uint32_t begin, uint32_t& end, Block x) {
    Block* const data = v.data();
    uint32_t out = begin;
    for (uint32_t k = begin; k < end; ++k) {
      if (data[k] != x) data[out++] = data[k];
    }
    end = out;
  };
  remove(succs_, succ_begin_[from.index], succ_end_[from.index], to);
  remove(preds_, pred_begin_[to.index], pred_end_[to.index], from);
}

void ControlFlowGraph::RecomputeOrder(const Function& f) {
  const uint32_t n = static_cast<uint32_t>(succ_begin_.size());
  const uint32_t* const succ_begin = succ_begin_.data();
  const uint32_t* const succ_end = succ_end_.data();
  const Block* const succs = succs_.data();
  rpo_index_.assign(n, kUnreached);
  if (f.layout.empty()) {
    rpo_.clear();
    return;
  }

  // Iterative depth-first post-order from the entry block (rpo_ holds the
  // post-order until it is reversed; rpo_index_ 0 marks visited blocks).
  // Each block is pushed once at most, and enters the order once.
  if (stack_.size() < n) stack_.resize(n);
  rpo_.resize(n);
  std::pair<Block, uint32_t>* const stack = stack_.data();
  Block* const order = rpo_.data();
  uint32_t* const rpo_index = rpo_index_.data();
  uint32_t top = 0, num_reachable = 0;
  const Block entry = f.layout[0];
  stack[top++] = {entry, succ_begin[entry.index]};
  rpo_index[entry.index] = 0;
  while (top > 0) {
    std::pair<Block, uint32_t>& frame = stack[top - 1];
    const Block b = frame.first;
    if (frame.second < succ_end[b.index]) {
      const Block s = succs[frame.second++];
      if (rpo_index[s.index] == kUnreached) {
        rpo_index[s.index] = 0;
        stack[top++] = {s, succ_begin[s.index]};
      }
    } else {
      order[num_reachable++] = b;
      --top;
    }
  }
  rpo_.resize(num_reachable);
  std::reverse(rpo_.begin(), rpo_.end());
  for (uint32_t i = 0; i < num_reachable; ++i) rpo_index[order[i].index] = i;
}

void ControlFlowGraph::ComputeDominatorTree() {
  const uint32_t n = static_cast<uint32_t>(rpo_index_.size());
  idom_.assign(n, Block());
  dom_children_begin_.assign(n + 1, 0);
  dom_children_.clear();
  dom_numbered_ = false;
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
}

void ControlFlowGraph::ComputeDominators() {
  ComputeDominatorTree();
  const uint32_t n = static_cast<uint32_t>(rpo_index_.size());
  dom_pre_.assign(n, 0);
  dom_post_.assign(n, 0);
  dom_numbered_ = true;
  if (rpo_.empty()) return;
  const Block entry = rpo_[0];
  // Number the dominator tree iteratively (no recursion on input).
  uint32_t pre_number = 0, post_number = 0;
  if (stack_.size() < n) stack_.resize(n);  // each block is pushed once
  std::pair<Block, uint32_t>* const stack = stack_.data();
  uint32_t top = 0;
  stack[top++] = {entry, dom_children_begin_[entry.index]};
  dom_pre_[entry.index] = pre_number++;
  while (top > 0) {
    std::pair<Block, uint32_t>& frame = stack[top - 1];
    const Block b = frame.first;
    if (frame.second < dom_children_begin_[b.index + 1]) {
      const Block c = dom_children_[frame.second++];
      dom_pre_[c.index] = pre_number++;
      stack[top++] = {c, dom_children_begin_[c.index]};
    } else {
      dom_post_[b.index] = post_number++;
      --top;
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
    const uint32_t begin = pred_begin_[b], end = pred_end_[b];
    pred_begin_[b] = out;
    for (uint32_t k = begin; k < end; ++k) {
      if (IsReachable(preds_[k])) preds_[out++] = preds_[k];
    }
  }
  pred_begin_[n] = out;
  preds_.resize(out);
  for (uint32_t b = 0; b < n; ++b) pred_end_[b] = pred_begin_[b + 1];
}

bool ControlFlowGraph::Dominates(Block a, Block b) const {
  if (!IsReachable(a) || !IsReachable(b)) return false;
  if (!dom_numbered_) {
    for (; b.valid(); b = idom_[b.index]) {
      if (b == a) return true;
    }
    return false;
  }
  return dom_pre_[a.index] <= dom_pre_[b.index] && dom_post_[b.index] <= dom_post_[a.index];
}

}  // namespace wasm::ir
