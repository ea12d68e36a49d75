#include "runtime/opt/gvn.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "runtime/ir/cfg.h"
#include "runtime/opt/util.h"

namespace wasm::opt {
namespace {

using ir::BlockCall;
using ir::Cond;
using ir::Format;
using ir::InstData;
using ir::ValueData;

// Everything that determines an eligible instruction's result.
struct Key {
  IrOpcode op;
  Type type;
  Cond cond;
  uint32_t imm32, imm32b;
  uint64_t imm64;
  absl::InlinedVector<uint32_t, 3> args;  // resolved value indexes

  bool operator==(const Key& o) const {
    return op == o.op && type == o.type && cond == o.cond && imm32 == o.imm32 &&
           imm32b == o.imm32b && imm64 == o.imm64 && args == o.args;
  }
  template <typename H>
  friend H AbslHashValue(H h, const Key& k) {
    return H::combine(std::move(h), k.op, k.type, k.cond, k.imm32, k.imm32b, k.imm64, k.args);
  }
};

bool Eligible(IrOpcode op) {
  switch (OpcodeFormat(op)) {
    case Format::kConst:
    case Format::kUnary:
    case Format::kBinary:
    case Format::kIntCompare:
    case Format::kFloatCompare:
    case Format::kSelect:
      return true;
    default:
      return false;
  }
}

bool Commutative(const InstData& d) {
  switch (d.op) {
    case IrOpcode::kIadd:
    case IrOpcode::kImul:
    case IrOpcode::kBand:
    case IrOpcode::kBor:
    case IrOpcode::kBxor:
      return true;
    case IrOpcode::kIcmp:
      return d.cond == Cond::kEq || d.cond == Cond::kNe;
    default:
      return false;
  }
}

Key MakeKey(const Function& f, Inst i) {
  const InstData& d = f.inst(i);
  Key k{d.op, d.type, d.cond, d.imm32, d.imm32b, d.imm64, {}};
  // Fields a format does not use may hold anything; ignore them.
  const Format format = OpcodeFormat(d.op);
  if (format != Format::kIntCompare && format != Format::kFloatCompare) k.cond = Cond::kEq;
  if (format != Format::kConst) k.imm64 = 0;
  k.imm32 = k.imm32b = 0;
  for (Value v : f.Args(i)) k.args.push_back(f.Resolve(v).index);
  if (Commutative(d) && k.args[0] > k.args[1]) std::swap(k.args[0], k.args[1]);
  return k;
}

}  // namespace

bool PropagateBlockParamCopies(Function& f) {
  if (f.layout.empty()) return false;
  const ir::ControlFlowGraph cfg(f);
  // Every branch into each block (from any block in the layout, reachable
  // or not, so that removing a parameter fixes every branch that passes it).
  std::vector<std::vector<uint32_t>> incoming(f.blocks.size());
  for (Block b : f.layout) {
    const Inst term = f.Terminator(b);
    if (!term.valid()) continue;
    const InstData& d = f.inst(term);
    for (uint32_t t = 0; t < d.targets_count; ++t) {
      incoming[f.block_calls[d.targets_begin + t].block.index].push_back(d.targets_begin + t);
    }
  }
  std::vector<std::vector<bool>> dead(f.blocks.size());
  bool changed = false;
  for (bool progress = true; progress;) {
    progress = false;
    for (Block b : cfg.ReversePostOrder()) {
      if (b == f.layout[0]) continue;
      const std::vector<Value>& params = f.block(b).params;
      dead[b.index].resize(params.size(), false);
      for (size_t k = 0; k < params.size(); ++k) {
        const Value p = params[k];
        if (dead[b.index][k] || f.value(p).kind != ValueData::Kind::kParam) continue;
        Value same;
        bool trivial = true;
        for (uint32_t call : incoming[b.index]) {
          const BlockCall& c = f.block_calls[call];
          if (k >= c.args_count) {
            trivial = false;
            break;
          }
          const Value a = f.Resolve(f.CallArgs(c)[k]);
          if (a == p) continue;
          if (same.valid() && a != same) {
            trivial = false;
            break;
          }
          same = a;
        }
        // `same` is invalid when the block is only reached from itself;
        // such a block is unreachable and not visited.
        if (!trivial || !same.valid()) continue;
        f.ReplaceUses(p, same);
        dead[b.index][k] = true;
        progress = changed = true;
      }
    }
  }
  RemoveBlockParams(f, dead);
  return changed;
}

bool NumberValues(Function& f) {
  const ir::ControlFlowGraph cfg(f);
  absl::flat_hash_map<Key, Value> table;
  // Keys added per open dominator-tree scope, to drop when it closes.
  std::vector<std::vector<Key>> scopes;
  std::vector<bool> removed(f.insts.size(), false);
  bool changed = false;
  WalkDominatorTree(
      cfg, f.blocks.size(),
      [&](Block b) {
        scopes.emplace_back();
        for (Inst i : f.block(b).insts) {
          if (!Eligible(f.inst(i).op)) continue;
          Key key = MakeKey(f, i);
          const auto it = table.find(key);
          if (it != table.end()) {
            ReplaceInstWithValue(f, i, it->second, removed);
            changed = true;
            continue;
          }
          table.emplace(key, f.Result(i));
          scopes.back().push_back(std::move(key));
        }
      },
      [&](Block) {
        for (const Key& k : scopes.back()) table.erase(k);
        scopes.pop_back();
      });
  RemoveMarked(f, removed);
  return changed;
}

bool RunGvn(Function& f) {
  bool changed = PropagateBlockParamCopies(f);
  changed |= NumberValues(f);
  // Merging values may have made more parameters trivial.
  if (changed) PropagateBlockParamCopies(f);
  return changed;
}

}  // namespace wasm::opt
