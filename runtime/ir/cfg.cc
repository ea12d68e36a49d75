#include "runtime/ir/cfg.h"

#include <algorithm>

namespace wasm::ir {

ControlFlowGraph::ControlFlowGraph(const Function& f)
    : succs_(f.blocks.size()),
      preds_(f.blocks.size()),
      rpo_index_(f.blocks.size(), kUnreached),
      idom_(f.blocks.size()) {
  for (Block b : f.layout) {
    const Inst term = f.Terminator(b);
    if (!term.valid()) continue;
    for (const BlockCall& c : f.Targets(term)) {
      std::vector<Block>& s = succs_[b.index];
      if (std::find(s.begin(), s.end(), c.block) == s.end()) {
        s.push_back(c.block);
        preds_[c.block.index].push_back(b);
      }
    }
  }
  if (f.layout.empty()) return;

  // Iterative depth-first post-order from the entry block.
  std::vector<Block> post;
  std::vector<bool> seen(f.blocks.size(), false);
  std::vector<std::pair<Block, size_t>> stack = {{f.layout[0], 0}};
  seen[f.layout[0].index] = true;
  while (!stack.empty()) {
    auto& [b, next] = stack.back();
    if (next < succs_[b.index].size()) {
      const Block s = succs_[b.index][next++];
      if (!seen[s.index]) {
        seen[s.index] = true;
        stack.push_back({s, 0});
      }
    } else {
      post.push_back(b);
      stack.pop_back();
    }
  }
  rpo_.assign(post.rbegin(), post.rend());
  for (uint32_t i = 0; i < rpo_.size(); ++i) rpo_index_[rpo_[i].index] = i;

  // Cooper-Harvey-Kennedy: iterate idom[b] = intersect of processed preds.
  const Block entry = rpo_[0];
  idom_[entry.index] = entry;
  auto intersect = [&](Block a, Block b) {
    while (a != b) {
      while (rpo_index_[a.index] > rpo_index_[b.index]) a = idom_[a.index];
      while (rpo_index_[b.index] > rpo_index_[a.index]) b = idom_[b.index];
    }
    return a;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 1; i < rpo_.size(); ++i) {
      const Block b = rpo_[i];
      Block new_idom;
      for (Block p : preds_[b.index]) {
        if (!IsReachable(p) || !idom_[p.index].valid()) continue;
        new_idom = new_idom.valid() ? intersect(p, new_idom) : p;
      }
      if (new_idom != idom_[b.index]) {
        idom_[b.index] = new_idom;
        changed = true;
      }
    }
  }
  idom_[entry.index] = Block();  // the entry has no immediate dominator

  // Number the dominator tree iteratively (no recursion on input).
  std::vector<std::vector<Block>> children(f.blocks.size());
  for (size_t i = 1; i < rpo_.size(); ++i) children[idom_[rpo_[i].index].index].push_back(rpo_[i]);
  dom_pre_.assign(f.blocks.size(), 0);
  dom_post_.assign(f.blocks.size(), 0);
  uint32_t pre_number = 0, post_number = 0;
  std::vector<std::pair<Block, size_t>> walk = {{entry, 0}};
  dom_pre_[entry.index] = pre_number++;
  while (!walk.empty()) {
    auto& [b, next] = walk.back();
    if (next < children[b.index].size()) {
      const Block c = children[b.index][next++];
      dom_pre_[c.index] = pre_number++;
      walk.push_back({c, 0});
    } else {
      dom_post_[b.index] = post_number++;
      walk.pop_back();
    }
  }
}

bool ControlFlowGraph::Dominates(Block a, Block b) const {
  if (!IsReachable(a) || !IsReachable(b)) return false;
  return dom_pre_[a.index] <= dom_pre_[b.index] && dom_post_[b.index] <= dom_post_[a.index];
}

}  // namespace wasm::ir
