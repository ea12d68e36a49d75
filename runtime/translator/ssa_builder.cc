#include "runtime/translator/ssa_builder.h"

#include <utility>

namespace wasm {

SsaBuilder::SsaBuilder(ir::Function* f, ir::FunctionBuilder* b, std::vector<ir::Type> var_types)
    : f_(f), b_(b), var_types_(std::move(var_types)) {}

std::vector<SsaBuilder::Edge>& SsaBuilder::EdgesOf(ir::Block b) {
  if (preds_.size() <= b.index) preds_.resize(f_->blocks.size());
  return preds_[b.index];
}

void SsaBuilder::AddEdge(ir::Block pred, ir::Inst branch, ir::Block block) {
  EdgesOf(block).push_back(Edge{pred, branch});
}

bool SsaBuilder::HasPredecessors(ir::Block block) const {
  return block.index < preds_.size() && !preds_[block.index].empty();
}

void SsaBuilder::SealBlock(ir::Block block) {
  if (sealed_.size() <= block.index) sealed_.resize(f_->blocks.size(), false);
  sealed_[block.index] = true;
  auto it = incomplete_.find(block.index);
  if (it != incomplete_.end()) {
    for (const PendingParam& p : it->second) worklist_.push_back(p);
    incomplete_.erase(it);
    ResolvePending();
  }
}

ir::Value SsaBuilder::UseVar(uint32_t var) {
  const ir::Value v = Read(var, b_->current());
  ResolvePending();
  return v;
}

ir::Value SsaBuilder::Read(uint32_t var, ir::Block block) {
  walked_.clear();
  ir::Value result;
  for (;;) {
    auto it = defs_.find(Key(var, block));
    if (it != defs_.end()) {
      result = it->second;
      break;
    }
    if (!IsSealed(block)) {
      result = b_->AppendBlockParam(block, var_types_[var]);
      incomplete_[block.index].push_back(PendingParam{block, var, result});
      Write(var, block, result);
      break;
    }
    const std::vector<Edge>& preds = EdgesOf(block);
    if (preds.size() == 1) {
      walked_.push_back(block);
      block = preds[0].pred;
      continue;
    }
    if (preds.empty()) {
      // Only the entry block has no predecessors, and every local is defined
      // there; reaching this means an unreachable block: any value will do,
      // so use a parameter of that block, which the verifier accepts.
      result = b_->AppendBlockParam(block, var_types_[var]);
      Write(var, block, result);
      break;
    }
    result = b_->AppendBlockParam(block, var_types_[var]);
    Write(var, block, result);
    worklist_.push_back(PendingParam{block, var, result});
    break;
  }
  for (ir::Block w : walked_) Write(var, w, result);
  return result;
}

void SsaBuilder::ResolvePending() {
  // First in, first out: a block's parameters are completed in the order they
  // were created, so every edge's arguments line up with them.
  for (size_t next = 0; next < worklist_.size(); ++next) {
    const PendingParam p = worklist_[next];
    // Copy: Read may grow preds_ (it does not add edges, but keep it safe).
    const std::vector<Edge> edges = EdgesOf(p.block);
    for (const Edge& e : edges) AppendEdgeArg(e, p.block, Read(p.var, e.pred));
  }
  worklist_.clear();
}

void SsaBuilder::AppendEdgeArg(const Edge& edge, ir::Block target, ir::Value v) {
  ir::InstData& d = f_->inst(edge.branch);
  for (uint32_t t = 0; t < d.targets_count; ++t) {
    ir::BlockCall& call = f_->block_calls[d.targets_begin + t];
    if (call.block != target) continue;
    // Move the call's arguments to the end of the pool unless already there.
    if (call.args_begin + call.args_count != f_->value_pool.size()) {
      const uint32_t begin = static_cast<uint32_t>(f_->value_pool.size());
      for (uint32_t k = 0; k < call.args_count; ++k) {
        f_->value_pool.push_back(f_->value_pool[call.args_begin + k]);
      }
      call.args_begin = begin;
    }
    f_->value_pool.push_back(v);
    ++call.args_count;
  }
}

}  // namespace wasm
