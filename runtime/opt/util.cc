#include "runtime/opt/util.h"

#include <algorithm>

namespace wasm::opt {

using ir::BlockCall;
using ir::Format;
using ir::InstData;
using ir::OpcodeFormat;
using ir::ValueData;

namespace internal {

bool DivisionMayTrap(const Function& f, Inst i) {
  const InstData& d = f.inst(i);
  const std::optional<uint64_t> divisor = IntConstant(f, f.Args(i)[1]);
  if (!divisor || *divisor == 0) return true;
  if (d.op != IrOpcode::kSdiv) return false;  // srem INT_MIN % -1 is 0, no trap
  if (*divisor != Truncate(d.type, ~uint64_t{0})) return false;
  // Divisor -1: only INT_MIN overflows.
  const uint64_t int_min = d.type == Type::kI32 ? uint64_t{1} << 31 : uint64_t{1} << 63;
  const std::optional<uint64_t> dividend = IntConstant(f, f.Args(i)[0]);
  return !dividend || *dividend == int_min;
}

}  // namespace internal

void RewriteAsConstant(Function& f, Inst i, Type t, uint64_t bits) {
  InstData& d = f.inst(i);
  d.op = t == Type::kF32 ? IrOpcode::kF32const
                         : t == Type::kF64 ? IrOpcode::kF64const : IrOpcode::kIconst;
  d.type = t;
  d.imm64 = Truncate(t, bits);
  d.cond = ir::Cond::kEq;
  d.imm32 = d.imm32b = 0;
  d.args_count = 0;
}

bool RewriteAsJump(Function& f, Inst i, size_t target) {
  InstData& d = f.inst(i);
  const Block kept = f.block_calls[d.targets_begin + target].block;
  bool edge_removed = false;
  for (uint32_t t = 0; t < d.targets_count; ++t) {
    edge_removed |= f.block_calls[d.targets_begin + t].block != kept;
  }
  d.op = IrOpcode::kJump;
  d.targets_begin += static_cast<uint32_t>(target);
  d.targets_count = 1;
  d.args_count = 0;
  return edge_removed;
}

void ReplaceInstWithValue(Function& f, Inst i, Value v, Flags& removed) {
  f.ReplaceUses(f.Result(i), v);
  removed[i.index] = true;
}

namespace {

bool RemoveMarkedFrom(Function& f, const Flags& removed, Block b) {
  std::vector<Inst>& insts = f.block(b).insts;
  size_t kept = 0;
  for (size_t k = 0; k < insts.size(); ++k) {
    const Inst i = insts[k];
    if (removed[i.index]) {
      f.inst(i).block = Block();
    } else {
      insts[kept++] = i;
    }
  }
  if (kept == insts.size()) return false;
  insts.resize(kept);
  return true;
}

}  // namespace

bool RemoveMarked(Function& f, const Flags& removed) {
  bool changed = false;
  for (Block b : f.layout) changed |= RemoveMarkedFrom(f, removed, b);
  return changed;
}

bool RemoveMarkedIn(Function& f, const Flags& removed, absl::Span<const Block> blocks) {
  bool changed = false;
  for (Block b : blocks) changed |= RemoveMarkedFrom(f, removed, b);
  return changed;
}

bool RemoveBlockParams(Function& f, const PassContext& ctx, absl::Span<const Block> blocks,
                       const Flags& dead) {
  bool changed = false;
  for (Block b : blocks) {
    std::vector<Value>& params = f.block(b).params;
    // Branch arguments first, while the parameter positions are the old ones.
    for (uint32_t c : ctx.Incoming(b)) {
      BlockCall& call = f.block_calls[c];
      Value* args = f.value_pool.data() + call.args_begin;
      uint32_t kept = 0;
      for (uint32_t k = 0; k < call.args_count; ++k) {
        if (k < params.size() && dead[params[k].index]) continue;
        args[kept++] = args[k];
      }
      call.args_count = kept;
    }
    size_t kept = 0;
    for (size_t k = 0; k < params.size(); ++k) {
      if (dead[params[k].index]) continue;
      ValueData& vd = f.values[params[k].index];
      if (vd.kind == ValueData::Kind::kParam) vd.index = static_cast<uint32_t>(kept);
      params[kept++] = params[k];
    }
    changed |= kept != params.size();
    params.resize(kept);
  }
  return changed;
}

void PassContext::ComputeIncoming(const Function& f) {
  if (incoming_valid_) return;
  const size_t n = f.blocks.size();
  // Count each block's branches into it (in incoming_end_), make the ranges,
  // then fill them in layout order.
  incoming_begin_.resize(n);
  incoming_end_.assign(n, 0);
  const InstData* const insts = f.insts.data();
  const BlockCall* const calls = f.block_calls.data();
  for (Block b : f.layout) {
    const std::vector<Inst>& list = f.block(b).insts;
    if (list.empty()) continue;
    const InstData& d = insts[list.back().index];
    if (!ir::IsTerminator(d.op)) continue;
    for (uint32_t t = 0; t < d.targets_count; ++t) ++incoming_end_[calls[d.targets_begin + t].block.index];
  }
  uint32_t total = 0;
  for (size_t b = 0; b < n; ++b) {
    incoming_begin_[b] = total;
    total += incoming_end_[b];
    incoming_end_[b] = incoming_begin_[b];
  }
  incoming_.resize(total);
  incoming_source_.resize(total);
  for (Block b : f.layout) {
    const std::vector<Inst>& list = f.block(b).insts;
    if (list.empty()) continue;
    const InstData& d = insts[list.back().index];
    if (!ir::IsTerminator(d.op)) continue;
    for (uint32_t t = 0; t < d.targets_count; ++t) {
      const uint32_t k = incoming_end_[calls[d.targets_begin + t].block.index]++;
      incoming_[k] = d.targets_begin + t;
      incoming_source_[k] = b;
    }
  }
  incoming_valid_ = true;
}

bool PassContext::RewriteAsJump(Function& f, Inst i, size_t target) {
  if (incoming_valid_) {
    // Drop the other block calls from their targets' lists (keeping order).
    const InstData& d = f.inst(i);
    for (uint32_t t = 0; t < d.targets_count; ++t) {
      if (t == target) continue;
      const uint32_t call = d.targets_begin + t;
      const Block to = f.block_calls[call].block;
      uint32_t out = incoming_begin_[to.index];
      for (uint32_t k = out; k < incoming_end_[to.index]; ++k) {
        if (incoming_[k] == call) continue;
        incoming_[out] = incoming_[k];
        incoming_source_[out] = incoming_source_[k];
        ++out;
      }
      incoming_end_[to.index] = out;
    }
  }
  if (cfg_valid_) {
    // The edges to the blocks no other target keeps (RemoveEdge of an
    // edge already gone, for a block targeted twice, does nothing).
    const InstData& d = f.inst(i);
    const Block from = d.block;
    const Block kept = f.block_calls[d.targets_begin + target].block;
    for (uint32_t t = 0; t < d.targets_count; ++t) {
      const Block to = f.block_calls[d.targets_begin + t].block;
      if (to != kept) removed_edges_.push_back({from, to});
    }
  }
  const bool edge_removed = opt::RewriteAsJump(f, i, target);
  if (edge_removed) order_valid_ = dominators_valid_ = false;
  return edge_removed;
}

void PassContext::UpdateOrder(const Function& f) {
  for (const auto& [from, to] : removed_edges_) cfg_.RemoveEdge(from, to);
  removed_edges_.clear();
  cfg_.RecomputeOrder(f);
  order_valid_ = true;
  dominators_valid_ = false;
}

void PassContext::DropUnreachableBlocks() {
  if (!cfg_valid_ || !order_valid_) {
    cfg_valid_ = order_valid_ = dominators_valid_ = false;
    incoming_valid_ = false;
    return;
  }
  // Branches from unreachable blocks go (while cfg_ still knows them).
  if (incoming_valid_) {
    for (size_t b = 0; b < incoming_begin_.size(); ++b) {
      uint32_t out = incoming_begin_[b];
      for (uint32_t k = out; k < incoming_end_[b]; ++k) {
        if (!cfg_.IsReachable(incoming_source_[k])) continue;
        incoming_[out] = incoming_[k];
        incoming_source_[out] = incoming_source_[k];
        ++out;
      }
      incoming_end_[b] = out;
    }
  }
  cfg_.DropUnreachableEdges();
}

bool PassContext::CheckCfgIsCurrent(const Function& f) const {
  auto same = [](auto a, auto b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); };
  if (cfg_valid_) {
    const ir::ControlFlowGraph fresh(f);
    // The kept edges with the removals still to apply.
    ir::ControlFlowGraph kept = cfg_;
    for (const auto& [from, to] : removed_edges_) kept.RemoveEdge(from, to);
    if (kept.NumBlocks() != f.blocks.size()) return false;
    if (order_valid_ && !same(fresh.ReversePostOrder(), kept.ReversePostOrder())) return false;
    for (uint32_t i = 0; i < f.blocks.size(); ++i) {
      const Block b(i);
      if (!same(fresh.Successors(b), kept.Successors(b)) ||
          !same(fresh.Predecessors(b), kept.Predecessors(b))) {
        return false;
      }
      if (order_valid_ && fresh.IsReachable(b) != kept.IsReachable(b)) return false;
      if (dominators_valid_ && (!same(fresh.DomChildren(b), kept.DomChildren(b)) ||
                                fresh.Idom(b) != kept.Idom(b))) {
        return false;
      }
    }
  }
  if (incoming_valid_) {
    PassContext fresh;
    fresh.ComputeIncoming(f);
    if (incoming_begin_.size() != f.blocks.size()) return false;
    for (uint32_t i = 0; i < f.blocks.size(); ++i) {
      if (!same(fresh.Incoming(Block(i)), Incoming(Block(i)))) return false;
    }
  }
  return true;
}

}  // namespace wasm::opt
