#include "runtime/opt/redundant_checks.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "runtime/ir/cfg.h"
#include "runtime/opt/util.h"

namespace wasm::opt {
namespace {

using ir::BlockCall;
using ir::Cond;
using ir::InstData;

// How far facts are chased through icmp eq/ne x, 0.
constexpr int kMaxDepth = 4;

class CheckEliminator {
 public:
  CheckEliminator(Function& f, PassContext& ctx)
      : f_(f),
        ctx_(ctx),
        cfg_(ctx.Cfg(f)),
        fact_(ctx.flags_a),
        learnt_(ctx.u32_a),
        scope_begin_(ctx.u32_b),
        removed_(ctx.removed),
        removed_in_(ctx.blocks) {
    removed_in_.clear();
    fact_.assign(f.values.size(), kUnknown);
    learnt_.clear();
    scope_begin_.clear();
    removed_.assign(f.insts.size(), false);
  }

  bool Run() {
    WalkDominatorTree(
        cfg_, ctx_.walk_stack, [this](Block b) { Enter(b); },
        [this](Block) {
          // Forget what this block learnt.
          for (size_t k = scope_begin_.back(); k < learnt_.size(); ++k) fact_[learnt_[k]] = kUnknown;
          learnt_.resize(scope_begin_.back());
          scope_begin_.pop_back();
        });
    RemoveMarkedIn(f_, removed_, removed_in_);
    // Removing a trap_if and deciding a brif give folding nothing to do: it
    // looks at neither, nor at which blocks are reachable (the blocks a
    // decided brif no longer reaches only drop out of its walk). A select
    // replaced by an arm and an icmp made a constant change operands.
    ctx_.may_enable_folding = enables_folding_;
    return changed_;
  }

 private:
  // For `icmp eq x, 0` / `icmp ne x, 0` (0 on either side): x, and whether
  // the condition is eq.
  std::optional<std::pair<Value, bool>> ZeroTest(Value v) const {
    const Inst def = f_.DefiningInst(v);
    if (!def.valid() || f_.inst(def).op != IrOpcode::kIcmp) return std::nullopt;
    const InstData& d = f_.inst(def);
    if (d.cond != Cond::kEq && d.cond != Cond::kNe) return std::nullopt;
    const Value a = f_.Resolve(f_.Args(def)[0]), b = f_.Resolve(f_.Args(def)[1]);
    const bool is_eq = d.cond == Cond::kEq;
    if (IntConstant(f_, b) == 0u) return std::make_pair(a, is_eq);
    if (IntConstant(f_, a) == 0u) return std::make_pair(b, is_eq);
    return std::nullopt;
  }

  // Whether v is known non-zero (true) or zero (false) here.
  std::optional<bool> Known(Value v, int depth = 0) const {
    v = f_.Resolve(v);
    if (const std::optional<uint64_t> c = IntConstant(f_, v)) return *c != 0;
    if (fact_[v.index] != kUnknown) return fact_[v.index] == kNonZero;
    if (depth >= kMaxDepth) return std::nullopt;
    if (const auto test = ZeroTest(v)) {
      const std::optional<bool> x = Known(test->first, depth + 1);
      if (!x) return std::nullopt;
      return test->second ? !*x : *x;
    }
    return std::nullopt;
  }

  void Learn(Value v, bool nonzero, int depth = 0) {
    v = f_.Resolve(v);
    if (IntConstant(f_, v) || fact_[v.index] != kUnknown) return;
    LearnNew(v, nonzero, depth);
  }

  // Learn for a resolved v that is neither a constant nor known yet.
  void LearnNew(Value v, bool nonzero, int depth) {
    fact_[v.index] = nonzero ? kNonZero : kZero;
    learnt_.push_back(v.index);
    if (depth >= kMaxDepth) return;
    if (const auto test = ZeroTest(v)) Learn(test->first, test->second ? !nonzero : nonzero, depth + 1);
  }

  void Enter(Block b) {
    scope_begin_.push_back(static_cast<uint32_t>(learnt_.size()));
    const absl::Span<const Block> preds = cfg_.Predecessors(b);
    // A single predecessor's brif tells what its condition was on the way
    // here (b is not the entry: then the edge would not be the only way in).
    if (b != cfg_.ReversePostOrder()[0] && preds.size() == 1 && preds[0] != b) {
      const Inst term = f_.Terminator(preds[0]);
      if (term.valid() && f_.inst(term).op == IrOpcode::kBrIf) {
        const absl::Span<const BlockCall> t = f_.Targets(term);
        if (t[0].block != t[1].block) Learn(f_.Args(term)[0], t[0].block == b);
      }
    }
    for (Inst i : f_.block(b).insts) Visit(i);
  }

  // Records that `i`'s block has a removed instruction.
  void MarkBlock(Inst i) {
    const Block b = f_.inst(i).block;
    if (removed_in_.empty() || removed_in_.back() != b) removed_in_.push_back(b);
  }

  void Visit(Inst i) {
    const InstData& d = f_.inst(i);
    switch (d.op) {
      case IrOpcode::kTrapIf: {
        // Known(c) is empty only if c is neither a constant nor known:
        // then Learn's own checks would pass.
        const Value c = f_.Resolve(f_.Args(i)[0]);
        const std::optional<bool> k = Known(c);
        if (k == false) {
          removed_[i.index] = true;
          MarkBlock(i);
          changed_ = true;
        } else if (!k) {
          LearnNew(c, false, 0);
        }
        break;
      }
      case IrOpcode::kBrIf:
        if (const std::optional<bool> k = Known(f_.Args(i)[0])) {
          // The walk goes on with the graph it started with; the next pass
          // that asks gets one recomputed.
          ctx_.RewriteAsJump(f_, i, *k ? 0 : 1);
          changed_ = true;
        }
        break;
      case IrOpcode::kSelect:
        if (const std::optional<bool> k = Known(f_.Args(i)[0])) {
          ReplaceInstWithValue(f_, i, f_.Resolve(f_.Args(i)[*k ? 1 : 2]), removed_);
          MarkBlock(i);
          changed_ = enables_folding_ = true;
        }
        break;
      case IrOpcode::kIcmp:
        if (f_.Resolve(f_.Args(i)[0]) == f_.Resolve(f_.Args(i)[1])) {
          const bool holds = d.cond == Cond::kEq || d.cond == Cond::kSle ||
                             d.cond == Cond::kSge || d.cond == Cond::kUle || d.cond == Cond::kUge;
          RewriteAsConstant(f_, i, Type::kI32, holds ? 1 : 0);
          changed_ = enables_folding_ = true;
        }
        break;
      case IrOpcode::kSdiv:
      case IrOpcode::kUdiv:
      case IrOpcode::kSrem:
      case IrOpcode::kUrem:
        Learn(f_.Args(i)[1], true);  // had it been zero, this would have trapped
        break;
      default:
        break;
    }
  }

  Function& f_;
  PassContext& ctx_;
  // Kept as the walk started: rewriting a brif does not change which
  // blocks dominate which for the rest of the walk.
  const ir::ControlFlowGraph& cfg_;
  // Facts by value index.
  enum : uint8_t { kUnknown, kZero, kNonZero };
  Flags& fact_;
  // The values with facts, in the order learnt, and where each open
  // dominator-tree scope's part of that list begins.
  std::vector<uint32_t>& learnt_;
  std::vector<uint32_t>& scope_begin_;
  Flags& removed_;
  std::vector<Block>& removed_in_;  // the blocks of the removed instructions
  bool changed_ = false;
  bool enables_folding_ = false;  // some change may give constant folding work
};

}  // namespace

bool RunRedundantChecks(Function& f, PassContext& ctx) {
  if (f.layout.empty()) return false;
  return CheckEliminator(f, ctx).Run();
}

bool RunRedundantChecks(Function& f) {
  PassContext ctx;
  return RunRedundantChecks(f, ctx);
}

DivisionChecks RequiredDivisionChecks(const Function& f, Inst i) {
  const InstData& d = f.inst(i);
  const std::optional<uint64_t> dividend = IntConstant(f, f.Args(i)[0]);
  const std::optional<uint64_t> divisor = IntConstant(f, f.Args(i)[1]);
  DivisionChecks checks;
  checks.zero = !divisor || *divisor == 0;
  if (d.op == IrOpcode::kUdiv || d.op == IrOpcode::kUrem) {
    checks.overflow = false;
  } else {
    const uint64_t minus_one = Truncate(d.type, ~uint64_t{0});
    const uint64_t int_min = d.type == Type::kI32 ? uint64_t{1} << 31 : uint64_t{1} << 63;
    checks.overflow = !(divisor && *divisor != minus_one) && !(dividend && *dividend != int_min);
  }
  return checks;
}

}  // namespace wasm::opt
