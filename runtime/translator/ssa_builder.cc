#include "runtime/translator/ssa_builder.h"

#include <algorithm>
#include <utility>

namespace wasm {

namespace {

// Empties `v`, and frees its memory when it holds more than `limit` elements'
// worth, so that one huge function does not pin memory for the rest.
template <typename T>
void ClearKeepingUpTo(std::vector<T>& v, size_t limit) {
  if (v.capacity() > limit) {
    std::vector<T>().swap(v);
  } else {
    v.clear();
  }
}

}  // namespace

void SsaBuilder::Reset(ir::Function* f, ir::FunctionBuilder* b,
                       absl::Span<const ir::Type> var_types) {
  constexpr size_t kKeep = size_t{1} << 16;
  f_ = f;
  b_ = b;
  var_types_.assign(var_types.begin(), var_types.end());
  num_vars_ = static_cast<uint32_t>(var_types_.size());
  def_clock_ = 0;
  last_def_.assign(num_vars_, 0);
  // dense_defs_ keeps its contents: GrowRows overwrites each row it reuses.
  if (dense_defs_.capacity() > kKeep) std::vector<ir::Value>().swap(dense_defs_);
  rows_ = 0;
  sparse_ = false;
  sparse_defs_ = absl::flat_hash_map<uint64_t, ir::Value>();
  ClearKeepingUpTo(blocks_, kKeep);
  ClearKeepingUpTo(edges_, kKeep);
  ClearKeepingUpTo(incomplete_, kKeep);
  ClearKeepingUpTo(worklist_, kKeep);
  ClearKeepingUpTo(edge_args_, kKeep);
  ClearKeepingUpTo(call_next_, kKeep);
  ClearKeepingUpTo(param_blocks_, kKeep);
  ClearKeepingUpTo(incoming_calls_, kKeep);
}

void SsaBuilder::GrowRows(uint32_t min_rows) {
  uint32_t rows = static_cast<uint32_t>(f_->blocks.size());
  if (rows < min_rows) rows = min_rows;
  if (size_t{rows} * num_vars_ <= kMaxDenseDefs) {
    const size_t begin = size_t{rows_} * num_vars_, end = size_t{rows} * num_vars_;
    if (dense_defs_.size() < end) dense_defs_.resize(std::max(end, 2 * dense_defs_.size()));
    std::fill(dense_defs_.begin() + begin, dense_defs_.begin() + end, ir::Value());
    rows_ = rows;
    return;
  }
  // Too many blocks x locals for a dense table: move to the hash map.
  sparse_defs_.reserve(size_t{rows_} * num_vars_ / 2);
  for (uint32_t b = 0; b < rows_; ++b) {
    for (uint32_t var = 0; var < num_vars_; ++var) {
      const ir::Value v = dense_defs_[size_t{b} * num_vars_ + var];
      if (v.valid()) sparse_defs_[Key(var, ir::Block(b))] = v;
    }
  }
  dense_defs_ = std::vector<ir::Value>();
  rows_ = 0;
  sparse_ = true;
}

void SsaBuilder::GrowBlocks(uint32_t index) {
  // Doubling (blocks_ keeps its capacity from function to function, so this
  // rarely allocates). Not the capacity of the function's block array: a
  // recycled one (ir::FunctionStorage) has the largest function's.
  size_t size = std::max<size_t>(size_t{index} + 1, 2 * blocks_.size());
  if (size < kMinBlocks) size = kMinBlocks;
  blocks_.resize(size);
}

void SsaBuilder::CopyDefsFromPredecessor(ir::Block block) {
  // The predecessor is finished (it ends in its branch here), so its row only
  // gains entries later by reads that walk through it: finding a value in
  // the copy is what a walk to the predecessor would have found.
  const ir::Block pred = edges_[blocks_[block.index].first_edge].pred;
  if (block.index >= rows_) GrowRows(block.index + 1);
  if (sparse_) return;
  std::copy_n(dense_defs_.begin() + size_t{pred.index} * num_vars_, num_vars_,
              dense_defs_.begin() + size_t{block.index} * num_vars_);
}

ir::Value SsaBuilder::LookupSparse(uint32_t var, ir::Block block) const {
  const auto it = sparse_defs_.find(Key(var, block));
  return it == sparse_defs_.end() ? ir::Value() : it->second;
}

void SsaBuilder::WriteSlow(uint32_t var, ir::Block block, ir::Value v) {
  if (!sparse_) GrowRows(block.index + 1);
  if (block.index < rows_) {
    dense_defs_[size_t{block.index} * num_vars_ + var] = v;
  } else {
    sparse_defs_[Key(var, block)] = v;
  }
}

void SsaBuilder::AddEdge(ir::Block pred, ir::Inst branch, ir::Block block) {
  const uint32_t e = static_cast<uint32_t>(edges_.size());
  uint32_t call = kNone, calls = 0;
  const ir::InstData& d = f_->inst(branch);
  for (uint32_t t = 0; t < d.targets_count; ++t) {
    if (f_->block_calls[d.targets_begin + t].block != block) continue;
    call = d.targets_begin + t;
    ++calls;
  }
  edges_.push_back(Edge{pred, branch, calls == 1 ? call : kNone, kNone});
  BlockState& s = State(block);
  if (s.last_edge == kNone) {
    s.first_edge = e;
  } else {
    edges_[s.last_edge].next = e;
  }
  s.last_edge = e;
  ++s.num_edges;
}

void SsaBuilder::SealBlock(ir::Block block) {
  BlockState& s = State(block);
  s.sealed = true;
  if (s.first_incomplete == kNone) return;
  for (uint32_t k = s.first_incomplete; k != kNone; k = incomplete_[k].next) {
    worklist_.push_back(incomplete_[k].param);
  }
  s.first_incomplete = s.last_incomplete = kNone;
  ResolvePending();
}

void SsaBuilder::SealLoop(ir::Block header) {
  BlockState& s = State(header);
  s.sealed = true;
  if (s.first_incomplete == kNone) return;
  ir::ValueData* const values = f_->values.data();
  bool any_invariant = false;
  for (uint32_t k = s.first_incomplete; k != kNone; k = incomplete_[k].next) {
    PendingParam p = incomplete_[k].param;
    p.invariant = s.entry != kNone && last_def_[p.var] <= s.created_at;
    if (p.invariant) {
      values[p.param.index].def = kNone;  // marks it for the compaction below
      any_invariant = true;
    }
    worklist_.push_back(p);
  }
  s.first_incomplete = s.last_incomplete = kNone;
  if (any_invariant) {
    // Drop the invariant ones from the parameters before any edge gets
    // arguments (ResolvePending), so that the arguments line up.
    std::vector<ir::Value>& params = f_->block(header).params;
    size_t kept = 0;
    for (size_t k = 0; k < params.size(); ++k) {
      ir::ValueData& vd = values[params[k].index];
      if (vd.def == kNone) continue;
      vd.index = static_cast<uint32_t>(kept);
      params[kept++] = params[k];
    }
    params.resize(kept);
  }
  ResolvePending();
}

ir::Value SsaBuilder::UseVarSlow(uint32_t var) {
  const ir::Value v = Read(var, b_->current());
  if (!worklist_.empty()) ResolvePending();
  return v;
}

ir::Value SsaBuilder::Read(uint32_t var, ir::Block block) {
  const ir::Block start = block;
  ir::Value result;
  for (;;) {
    result = Lookup(var, block);
    if (result.valid()) break;
    BlockState& s = State(block);
    if (s.sealed && s.num_edges == 1) {
      block = edges_[s.first_edge].pred;
      continue;
    }
    if (s.sealed && s.num_edges > 1) {
      // A merge whose predecessors already pass one value needs no
      // parameter (it would be trivial).
      result = CommonIncoming(var, s);
      if (result.valid()) {
        Write(var, block, result);
        break;
      }
      if (!resolving_ && s.entry != kNone && last_def_[var] <= s.created_at) {
        // Not defined since the code leading here began: every edge passes
        // the value it had then (a parameter would be trivial). Not while
        // completing parameters: reading there before the parameter's turn
        // in the worklist would create other merges' parameters in another
        // order, and so number values differently (codegen follows the
        // numbering).
        block = ir::Block(s.entry);
        continue;
      }
    }
    result = NewParam(var, block);
    Write(var, block, result);
    if (!s.sealed) {
      const uint32_t k = static_cast<uint32_t>(incomplete_.size());
      incomplete_.push_back(Incomplete{PendingParam{block, var, result}, kNone});
      if (s.last_incomplete == kNone) {
        s.first_incomplete = k;
      } else {
        incomplete_[s.last_incomplete].next = k;
      }
      s.last_incomplete = k;
    } else if (s.num_edges > 1) {
      worklist_.push_back(PendingParam{block, var, result});
    }
    // else no predecessors: only the entry block has none, and every local
    // is defined there; reaching this means an unreachable block: any value
    // will do, so use a parameter of that block, which the verifier accepts.
    break;
  }
  // Remember the result in the blocks walked through (single-predecessor
  // ones, and merges passed to their entry).
  for (ir::Block b = start; b != block;) {
    Write(var, b, result);
    const BlockState& bs = blocks_[b.index];
    b = bs.num_edges == 1 ? edges_[bs.first_edge].pred : ir::Block(bs.entry);
  }
  return result;
}

ir::Value SsaBuilder::CommonIncoming(uint32_t var, const BlockState& s) const {
  // Only definitions a few single-predecessor steps up; otherwise (or when
  // they differ) the caller adds a parameter as usual.
  constexpr int kMaxSteps = 8;
  ir::Value common;
  for (uint32_t e = s.first_edge; e != kNone; e = edges_[e].next) {
    ir::Block b = edges_[e].pred;
    ir::Value v = Lookup(var, b);
    for (int step = 0; !v.valid() && step < kMaxSteps; ++step) {
      const BlockState& bs = blocks_[b.index];
      if (!bs.sealed || bs.num_edges != 1) return ir::Value();
      b = edges_[bs.first_edge].pred;
      v = Lookup(var, b);
    }
    if (!v.valid()) return ir::Value();
    v = f_->Resolve(v);
    if (common.valid() && v != common) return ir::Value();
    common = v;
  }
  return common;
}

void SsaBuilder::ResolvePending() {
  // First in, first out: a block's parameters are completed in the order they
  // were created, so every edge's arguments line up with them (Finish adds
  // them to the branches in the same order).
  resolving_ = true;
  for (size_t next = 0; next < worklist_.size(); ++next) {
    const PendingParam p = worklist_[next];
    if (p.invariant) {
      // The loop's entry edge comes first (the jump into the header); reads
      // of this local reach the header only through it until now.
      const ir::Block entry = edges_[blocks_[p.block.index].first_edge].pred;
      ir::Value v = Lookup(p.var, entry);
      if (!v.valid()) v = Read(p.var, entry);
      ir::ValueData& vd = f_->values[p.param.index];
      vd.kind = ir::ValueData::Kind::kAlias;
      vd.def = v.index;
      continue;
    }
    for (uint32_t e = blocks_[p.block.index].first_edge; e != kNone; e = edges_[e].next) {
      const Edge edge = edges_[e];
      ir::Value v = Lookup(p.var, edge.pred);
      if (!v.valid()) v = Read(p.var, edge.pred);
      if (edge.call != kNone) {
        edge_args_.push_back(EdgeArg{edge.call, v});
        continue;
      }
      const ir::InstData& d = f_->inst(edge.branch);
      for (uint32_t t = 0; t < d.targets_count; ++t) {
        if (f_->block_calls[d.targets_begin + t].block == p.block) {
          edge_args_.push_back(EdgeArg{d.targets_begin + t, v});
        }
      }
    }
  }
  worklist_.clear();
  resolving_ = false;
}

void SsaBuilder::Finish() {
  if (!edge_args_.empty()) WriteEdgeArgs();
  RemoveTrivialParams();
}

void SsaBuilder::WriteEdgeArgs() {
  std::vector<ir::BlockCall>& calls = f_->block_calls;
  std::vector<ir::Value>& pool = f_->value_pool;
  // Per block call: the number of arguments to add, then where the next goes.
  std::vector<uint32_t>& next = call_next_;
  next.assign(calls.size(), 0);
  for (const EdgeArg& a : edge_args_) ++next[a.call];
  size_t size = pool.size() + edge_args_.size();
  for (size_t c = 0; c < calls.size(); ++c) {
    if (next[c] != 0) size += calls[c].args_count;
  }
  // Each call that gets arguments moves to the end of the pool with room for
  // them; its old range stays behind unused (usually empty or one value:
  // the explicit arguments of a block's results).
  uint32_t end = static_cast<uint32_t>(pool.size());
  pool.resize(size);
  ir::Value* data = pool.data();
  for (size_t c = 0; c < calls.size(); ++c) {
    if (next[c] == 0) continue;
    ir::BlockCall& call = calls[c];
    for (uint32_t k = 0; k < call.args_count; ++k) data[end + k] = data[call.args_begin + k];
    call.args_begin = end;
    const uint32_t added = next[c];
    next[c] = end + call.args_count;
    call.args_count += added;
    end += call.args_count;
  }
  for (const EdgeArg& a : edge_args_) data[next[a.call]++] = a.value;
  edge_args_.clear();
}

void SsaBuilder::RemoveTrivialParams() {
  // The blocks with parameters that branches reach, innermost (most recently
  // created) first: a merge's incoming values come from blocks created after
  // it, so this order settles most parameters in the first round.
  param_blocks_.clear();
  incoming_calls_.clear();
  const ir::BlockCall* const calls = f_->block_calls.data();
  for (size_t b = std::min(blocks_.size(), f_->blocks.size()); b-- > 0;) {
    const BlockState& s = blocks_[b];
    if (s.num_edges == 0 || f_->blocks[b].params.empty()) continue;
    const uint32_t begin = static_cast<uint32_t>(incoming_calls_.size());
    for (uint32_t e = s.first_edge; e != kNone; e = edges_[e].next) {
      const Edge& edge = edges_[e];
      if (edge.call != kNone) {
        incoming_calls_.push_back(edge.call);
        continue;
      }
      const ir::InstData& d = f_->inst(edge.branch);
      for (uint32_t t = 0; t < d.targets_count; ++t) {
        if (calls[d.targets_begin + t].block.index == b) incoming_calls_.push_back(d.targets_begin + t);
      }
    }
    param_blocks_.push_back(ParamBlock{ir::Block(static_cast<uint32_t>(b)), begin,
                                       static_cast<uint32_t>(incoming_calls_.size()), false});
  }
  if (param_blocks_.empty()) return;
  ir::ValueData* const values = f_->values.data();
  const uint32_t* const incoming = incoming_calls_.data();
  bool removed = false;
  for (bool progress = true; progress;) {
    progress = false;
    for (ParamBlock& pb : param_blocks_) {
      const std::vector<ir::Value>& params = f_->blocks[pb.block.index].params;
      for (uint32_t k = 0; k < params.size(); ++k) {
        const uint32_t p = params[k].index;
        if (values[p].kind != ir::ValueData::Kind::kParam) continue;  // removed already
        // Invalid only for a block reached from itself alone (which the
        // translator does not make) or a parameter that is not trivial.
        const ir::Value same = f_->SoleIncomingArg(
            absl::MakeConstSpan(incoming + pb.calls_begin, pb.calls_end - pb.calls_begin), k,
            params[k]);
        if (!same.valid()) continue;
        values[p].kind = ir::ValueData::Kind::kAlias;
        values[p].def = same.index;
        pb.changed = progress = removed = true;
      }
    }
  }
  if (!removed) return;
  // Drop the removed parameters and their arguments (as opt::RemoveBlockParams).
  ir::BlockCall* const mutable_calls = f_->block_calls.data();
  ir::Value* const mutable_pool = f_->value_pool.data();
  for (const ParamBlock& pb : param_blocks_) {
    if (!pb.changed) continue;
    std::vector<ir::Value>& params = f_->blocks[pb.block.index].params;
    for (uint32_t i = pb.calls_begin; i < pb.calls_end; ++i) {
      ir::BlockCall& c = mutable_calls[incoming[i]];
      ir::Value* args = mutable_pool + c.args_begin;
      uint32_t kept = 0;
      for (uint32_t k = 0; k < c.args_count; ++k) {
        if (k < params.size() && values[params[k].index].kind == ir::ValueData::Kind::kAlias) continue;
        args[kept++] = args[k];
      }
      c.args_count = kept;
    }
    size_t kept = 0;
    for (size_t k = 0; k < params.size(); ++k) {
      ir::ValueData& vd = values[params[k].index];
      if (vd.kind == ir::ValueData::Kind::kAlias) continue;
      vd.index = static_cast<uint32_t>(kept);
      params[kept++] = params[k];
    }
    params.resize(kept);
  }
  // Operands may still name a removed parameter: they resolve through its
  // alias (Function::Resolve), as after any optimisation pass.
}

}  // namespace wasm
