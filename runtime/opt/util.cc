#include "runtime/opt/util.h"

#include <algorithm>

namespace wasm::opt {

using ir::BlockCall;
using ir::Format;
using ir::InstData;
using ir::OpcodeFormat;
using ir::ValueData;

bool HasSideEffects(IrOpcode op) {
  switch (op) {
    case IrOpcode::kStore:
    case IrOpcode::kGlobalSet:
    case IrOpcode::kCall:
    case IrOpcode::kCallIndirect:
    case IrOpcode::kCallBuiltin:
    case IrOpcode::kTrapIf:
      return true;
    default:
      return ir::IsTerminator(op);
  }
}

bool IsDivision(IrOpcode op) {
  return op == IrOpcode::kSdiv || op == IrOpcode::kUdiv || op == IrOpcode::kSrem ||
         op == IrOpcode::kUrem;
}

bool MayTrap(const Function& f, Inst i) {
  const InstData& d = f.inst(i);
  switch (d.op) {
    case IrOpcode::kLoad:
    case IrOpcode::kFcvtToSint:
    case IrOpcode::kFcvtToUint:
    case IrOpcode::kCall:
    case IrOpcode::kCallIndirect:
    case IrOpcode::kCallBuiltin:
    case IrOpcode::kTrap:
    case IrOpcode::kTrapIf:
      return true;
    case IrOpcode::kSdiv:
    case IrOpcode::kUdiv:
    case IrOpcode::kSrem:
    case IrOpcode::kUrem: {
      const std::optional<uint64_t> divisor = IntConstant(f, f.Args(i)[1]);
      if (!divisor || *divisor == 0) return true;
      if (d.op != IrOpcode::kSdiv) return false;  // srem INT_MIN % -1 is 0, no trap
      if (*divisor != Truncate(d.type, ~uint64_t{0})) return false;
      // Divisor -1: only INT_MIN overflows.
      const uint64_t int_min = d.type == Type::kI32 ? uint64_t{1} << 31 : uint64_t{1} << 63;
      const std::optional<uint64_t> dividend = IntConstant(f, f.Args(i)[0]);
      return !dividend || *dividend == int_min;
    }
    default:
      return false;
  }
}

std::optional<uint64_t> ConstantBits(const Function& f, Value v) {
  const Inst def = f.DefiningInst(v);
  if (!def.valid()) return std::nullopt;
  const InstData& d = f.inst(def);
  if (OpcodeFormat(d.op) != Format::kConst || !d.block.valid()) return std::nullopt;
  return d.imm64;
}

std::optional<uint64_t> IntConstant(const Function& f, Value v) {
  const Inst def = f.DefiningInst(v);
  if (!def.valid() || f.inst(def).op != IrOpcode::kIconst) return std::nullopt;
  return ConstantBits(f, v);
}

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

void RewriteAsJump(Function& f, Inst i, size_t target) {
  InstData& d = f.inst(i);
  d.op = IrOpcode::kJump;
  d.targets_begin += static_cast<uint32_t>(target);
  d.targets_count = 1;
  d.args_count = 0;
}

void ReplaceInstWithValue(Function& f, Inst i, Value v, std::vector<bool>& removed) {
  f.ReplaceUses(f.Result(i), v);
  removed[i.index] = true;
}

bool RemoveMarked(Function& f, const std::vector<bool>& removed) {
  bool changed = false;
  for (Block b : f.layout) {
    std::vector<Inst>& insts = f.block(b).insts;
    const auto end = std::remove_if(insts.begin(), insts.end(), [&](Inst i) {
      if (!removed[i.index]) return false;
      f.inst(i).block = Block();
      return true;
    });
    changed |= end != insts.end();
    insts.erase(end, insts.end());
  }
  return changed;
}

bool RemoveBlockParams(Function& f, const std::vector<std::vector<bool>>& dead) {
  auto any_dead = [&dead](Block b) {
    return b.index < dead.size() &&
           std::find(dead[b.index].begin(), dead[b.index].end(), true) != dead[b.index].end();
  };
  bool changed = false;
  // Branch arguments first, while the parameter positions are the old ones.
  for (Block b : f.layout) {
    const Inst term = f.Terminator(b);
    if (!term.valid()) continue;
    const InstData& d = f.inst(term);
    for (uint32_t t = 0; t < d.targets_count; ++t) {
      BlockCall& call = f.block_calls[d.targets_begin + t];
      if (!any_dead(call.block)) continue;
      const std::vector<bool>& mask = dead[call.block.index];
      uint32_t kept = 0;
      for (uint32_t k = 0; k < call.args_count; ++k) {
        if (k < mask.size() && mask[k]) continue;
        f.value_pool[call.args_begin + kept++] = f.value_pool[call.args_begin + k];
      }
      call.args_count = kept;
    }
  }
  for (Block b : f.layout) {
    if (!any_dead(b)) continue;
    std::vector<Value>& params = f.block(b).params;
    std::vector<Value> kept;
    for (size_t k = 0; k < params.size(); ++k) {
      if (k < dead[b.index].size() && dead[b.index][k]) continue;
      ValueData& vd = f.values[params[k].index];
      if (vd.kind == ValueData::Kind::kParam) vd.index = static_cast<uint32_t>(kept.size());
      kept.push_back(params[k]);
    }
    changed |= kept.size() != params.size();
    params = std::move(kept);
  }
  return changed;
}

}  // namespace wasm::opt
