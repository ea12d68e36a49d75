#include "runtime/opt/dce.h"

#include <vector>

#include "runtime/ir/cfg.h"
#include "runtime/opt/util.h"

namespace wasm::opt {

using ir::BlockCall;
using ir::InstData;
using ir::ValueData;

bool RemoveUnreachableBlocks(Function& f, PassContext& ctx) {
  const ir::ControlFlowGraph& cfg = ctx.CfgOrder(f);
  size_t kept = 0;
  for (size_t k = 0; k < f.layout.size(); ++k) {
    const Block b = f.layout[k];
    if (cfg.IsReachable(b)) {
      f.layout[kept++] = b;
      continue;
    }
    for (Inst i : f.block(b).insts) f.inst(i).block = Block();
    f.block(b).insts.clear();
  }
  if (kept == f.layout.size()) return false;
  f.layout.resize(kept);
  ctx.DropUnreachableBlocks();
  return true;
}

bool RunDce(Function& f, PassContext& ctx) {
  const bool changed_blocks = RemoveUnreachableBlocks(f, ctx);
  bool changed = changed_blocks;
  // Fewer predecessors can tell redundant-check removal more; fewer block
  // arguments can make two branches of a brif the same for folding.
  bool enables_folding = false;
  if (f.layout.empty()) {
    ctx.may_enable_folding = false;
    ctx.may_enable_checks = changed;
    return changed;
  }
  // The branches into each block, as indexes into f.block_calls.
  ctx.ComputeIncoming(f);

  Flags& live_inst = ctx.removed;
  Flags& live_value = ctx.flags_a;
  live_inst.assign(f.insts.size(), false);
  live_value.assign(f.values.size(), false);
  // Each value is pushed at most once.
  std::vector<Value>& work = ctx.values;
  if (work.size() < f.values.size()) work.resize(f.values.size());
  Value* const stack = work.data();
  size_t top = 0;
  const InstData* const insts = f.insts.data();
  const ValueData* const values = f.values.data();
  Value* const pool = f.value_pool.data();
  uint8_t* const live_i = live_inst.data();
  uint8_t* const live_v = live_value.data();
  // Marks the value of pool[k], an operand or block argument, live, and
  // resolves it in place: every operand and argument that remains is
  // visited here, so Optimize need not resolve them again at the end
  // (PassContext::aliases_resolved).
  auto mark_value = [&](uint32_t k) {
    uint32_t v = pool[k].index;
    if (values[v].kind == ValueData::Kind::kAlias) {
      do v = values[v].def;
      while (values[v].kind == ValueData::Kind::kAlias);
      pool[k] = Value(v);
    }
    if (live_v[v]) return;
    live_v[v] = true;
    stack[top++] = Value(v);
  };
  // Marks `i` live and its operands (not branch arguments: see below).
  auto mark_inst = [&](Inst i) {
    live_i[i.index] = true;
    const InstData& d = insts[i.index];
    for (uint32_t k = 0; k < d.args_count; ++k) mark_value(d.args_begin + k);
  };
  // Blocks a br_table reaches (their parameters stay, below).
  std::vector<Block>& br_table_targets = ctx.blocks;
  br_table_targets.clear();
  for (Block b : f.layout) {
    const std::vector<Inst>& list = f.block(b).insts;
    for (Inst i : list) {
      if (!IsRemovableIfUnused(f, i)) mark_inst(i);
    }
    if (!list.empty() && insts[list.back().index].op == IrOpcode::kBrTable) {
      for (const BlockCall& c : f.Targets(list.back())) br_table_targets.push_back(c.block);
    }
  }
  while (top > 0) {
    const Value v = stack[--top];
    const ValueData& vd = values[v.index];
    if (vd.kind == ValueData::Kind::kResult) {
      const Inst def(vd.def);
      if (!live_i[def.index] && insts[def.index].block.valid()) mark_inst(def);
    } else if (vd.kind == ValueData::Kind::kParam) {
      for (uint32_t call : ctx.Incoming(Block(vd.def))) {
        const BlockCall& c = f.block_calls[call];
        if (vd.index < c.args_count) mark_value(c.args_begin + vd.index);
      }
    }
  }

  // Every instruction in the layout that is not live goes.
  for (Block b : f.layout) {
    std::vector<Inst>& insts = f.block(b).insts;
    size_t kept = 0;
    for (size_t k = 0; k < insts.size(); ++k) {
      const Inst i = insts[k];
      if (live_inst[i.index]) {
        insts[kept++] = i;
      } else {
        f.inst(i).block = Block();
      }
    }
    if (kept != insts.size()) {
      insts.resize(kept);
      changed = true;
    }
  }

  // Unused parameters go too, except the entry's (the signature's). A
  // br_table target has no parameters in valid IR; leave it alone if it
  // somehow does.
  Flags& skip = ctx.flags_b;  // by block
  skip.assign(f.blocks.size(), false);
  skip[f.layout[0].index] = true;
  for (Block b : br_table_targets) skip[b.index] = true;
  Flags& dead_params = ctx.removed;  // by value; free again
  dead_params.assign(f.values.size(), false);
  std::vector<Block>& affected = ctx.blocks;
  affected.clear();
  for (Block b : f.layout) {
    if (skip[b.index]) continue;
    bool any = false;
    for (Value p : f.block(b).params) {
      const Value r = f.Resolve(p);
      const bool dead = !live_value[r.index] || r != p;
      dead_params[p.index] = dead;
      any |= dead;
    }
    if (any) affected.push_back(b);
  }
  if (!affected.empty() && RemoveBlockParams(f, ctx, affected, dead_params)) {
    changed = enables_folding = true;
  }
  // The arguments that remain are those of live parameters, which the mark
  // phase resolved, but for the blocks whose parameters stay: resolve the
  // arguments of the branches into those (if any) here.
  for (Block b : f.layout) {
    if (!skip[b.index]) continue;
    for (uint32_t call : ctx.Incoming(b)) {
      const BlockCall& c = f.block_calls[call];
      for (uint32_t k = c.args_begin; k < c.args_begin + c.args_count; ++k) pool[k] = f.Resolve(pool[k]);
    }
  }
  ctx.aliases_resolved = true;
  ctx.may_enable_checks = changed_blocks || enables_folding;
  // Dead instructions only: what folding and check removal look at (live
  // instructions and their operands' definitions) is unchanged.
  ctx.may_enable_folding = enables_folding;
  // What is left is live (the mark phase followed every use), removing the
  // parameters only dropped arguments that nothing marked, and no edge
  // between reachable blocks changed: a second run would remove nothing.
  ctx.at_fixed_point = true;
  return changed;
}

bool RemoveUnreachableBlocks(Function& f) {
  PassContext ctx;
  return RemoveUnreachableBlocks(f, ctx);
}

bool RunDce(Function& f) {
  PassContext ctx;
  return RunDce(f, ctx);
}

}  // namespace wasm::opt
