#include "runtime/opt/dce.h"

#include <vector>

#include "runtime/ir/cfg.h"
#include "runtime/opt/util.h"

namespace wasm::opt {

using ir::BlockCall;
using ir::InstData;
using ir::ValueData;

bool RemoveUnreachableBlocks(Function& f) {
  const ir::ControlFlowGraph cfg(f);
  std::vector<Block> layout;
  for (Block b : f.layout) {
    if (cfg.IsReachable(b)) {
      layout.push_back(b);
      continue;
    }
    for (Inst i : f.block(b).insts) f.inst(i).block = Block();
    f.block(b).insts.clear();
  }
  const bool changed = layout.size() != f.layout.size();
  f.layout = std::move(layout);
  return changed;
}

bool RunDce(Function& f) {
  bool changed = RemoveUnreachableBlocks(f);
  if (f.layout.empty()) return changed;

  // The branches into each block, as indexes into f.block_calls; and whether
  // a br_table reaches it.
  std::vector<std::vector<uint32_t>> incoming(f.blocks.size());
  std::vector<bool> br_table_target(f.blocks.size(), false);
  for (Block b : f.layout) {
    const Inst term = f.Terminator(b);
    if (!term.valid()) continue;
    const InstData& d = f.inst(term);
    for (uint32_t t = 0; t < d.targets_count; ++t) {
      const Block target = f.block_calls[d.targets_begin + t].block;
      incoming[target.index].push_back(d.targets_begin + t);
      if (d.op == IrOpcode::kBrTable) br_table_target[target.index] = true;
    }
  }

  std::vector<bool> live_inst(f.insts.size(), false);
  std::vector<bool> live_value(f.values.size(), false);
  std::vector<Value> work;
  auto mark_value = [&](Value v) {
    v = f.Resolve(v);
    if (live_value[v.index]) return;
    live_value[v.index] = true;
    work.push_back(v);
  };
  auto mark_inst = [&](Inst i) {
    if (live_inst[i.index]) return;
    live_inst[i.index] = true;
    for (Value v : f.Args(i)) mark_value(v);  // not branch arguments: see below
  };
  for (Block b : f.layout) {
    for (Inst i : f.block(b).insts) {
      if (!IsRemovableIfUnused(f, i)) mark_inst(i);
    }
  }
  while (!work.empty()) {
    const Value v = work.back();
    work.pop_back();
    const ValueData& vd = f.value(v);
    if (vd.kind == ValueData::Kind::kResult) {
      const Inst def(vd.def);
      if (def.valid() && f.inst(def).block.valid()) mark_inst(def);
    } else if (vd.kind == ValueData::Kind::kParam) {
      for (uint32_t call : incoming[vd.def]) {
        const BlockCall& c = f.block_calls[call];
        if (vd.index < c.args_count) mark_value(f.CallArgs(c)[vd.index]);
      }
    }
  }

  std::vector<bool> removed(f.insts.size(), false);
  for (Block b : f.layout) {
    for (Inst i : f.block(b).insts) removed[i.index] = !live_inst[i.index];
  }
  changed |= RemoveMarked(f, removed);

  std::vector<std::vector<bool>> dead_params(f.blocks.size());
  for (Block b : f.layout) {
    // The entry's parameters are the signature's. A br_table target has no
    // parameters in valid IR; leave it alone if it somehow does.
    if (b == f.layout[0] || br_table_target[b.index]) continue;
    const std::vector<Value>& params = f.block(b).params;
    for (size_t k = 0; k < params.size(); ++k) {
      if (live_value[f.Resolve(params[k]).index] && f.Resolve(params[k]) == params[k]) continue;
      dead_params[b.index].resize(params.size(), false);
      dead_params[b.index][k] = true;
    }
  }
  changed |= RemoveBlockParams(f, dead_params);
  return changed;
}

}  // namespace wasm::opt
