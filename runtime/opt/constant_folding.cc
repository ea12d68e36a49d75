#include "runtime/opt/constant_folding.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/ir/cfg.h"
#include "runtime/opt/fold.h"
#include "runtime/opt/util.h"

namespace wasm::opt {
namespace {

using ir::BlockCall;
using ir::Format;
using ir::InstData;

// What an integer binary operation with one known operand simplifies to.
struct Simplified {
  enum class Kind { kNone, kValue, kConstant } kind = Kind::kNone;
  Value value;
  uint64_t bits = 0;
};

Simplified ToValue(Value v) { return {Simplified::Kind::kValue, v, 0}; }
Simplified ToConstant(uint64_t bits) { return {Simplified::Kind::kConstant, Value(), bits}; }

// Algebraic identities of integer binary `op` on x and y, at least one of
// which is not a constant. Never removes a division that may trap.
Simplified Simplify(IrOpcode op, Type t, Value x, Value y, std::optional<uint64_t> cx,
                    std::optional<uint64_t> cy) {
  const uint64_t ones = Truncate(t, ~uint64_t{0});
  const uint64_t width_mask = t == Type::kI32 ? 31 : 63;
  const bool same = x == y;
  switch (op) {
    case IrOpcode::kIadd:
      if (cy == 0u) return ToValue(x);
      if (cx == 0u) return ToValue(y);
      break;
    case IrOpcode::kIsub:
      if (cy == 0u) return ToValue(x);
      if (same) return ToConstant(0);
      break;
    case IrOpcode::kImul:
      if (cy == 1u) return ToValue(x);
      if (cx == 1u) return ToValue(y);
      if (cx == 0u || cy == 0u) return ToConstant(0);
      break;
    case IrOpcode::kBand:
      if (cy == ones) return ToValue(x);
      if (cx == ones) return ToValue(y);
      if (cx == 0u || cy == 0u) return ToConstant(0);
      if (same) return ToValue(x);
      break;
    case IrOpcode::kBor:
      if (cy == 0u) return ToValue(x);
      if (cx == 0u) return ToValue(y);
      if (cx == ones || cy == ones) return ToConstant(ones);
      if (same) return ToValue(x);
      break;
    case IrOpcode::kBxor:
      if (cy == 0u) return ToValue(x);
      if (cx == 0u) return ToValue(y);
      if (same) return ToConstant(0);
      break;
    case IrOpcode::kIshl:
    case IrOpcode::kUshr:
    case IrOpcode::kSshr:
    case IrOpcode::kRotl:
    case IrOpcode::kRotr:
      // The count is taken modulo the width.
      if (cy && (*cy & width_mask) == 0) return ToValue(x);
      if (cx == 0u) return ToConstant(0);
      if (cx == ones && op != IrOpcode::kIshl && op != IrOpcode::kUshr) return ToConstant(ones);
      break;
    case IrOpcode::kSdiv:
    case IrOpcode::kUdiv:
      if (cy == 1u) return ToValue(x);  // a divisor of 1 never traps
      break;
    case IrOpcode::kSrem:
      if (cy == 1u || cy == ones) return ToConstant(0);  // x % -1 is 0, INT_MIN too
      break;
    case IrOpcode::kUrem:
      if (cy == 1u) return ToConstant(0);
      break;
    default:
      break;
  }
  return {};
}

class ConstantFolder {
 public:
  ConstantFolder(Function& f, PassContext& ctx)
      : f_(f),
        ctx_(ctx),
        removed_(ctx.removed),
        removed_in_(ctx.blocks),
        const_kind_(ctx.flags_a),
        const_bits_(ctx.u64_a) {
    removed_.assign(f.insts.size(), false);
    removed_in_.clear();
    const_kind_.assign(f.values.size(), kNotConstant);
    if (const_bits_.size() < f.values.size()) const_bits_.resize(f.values.size());
  }

  bool Run() {
    const ir::ControlFlowGraph& cfg = ctx_.CfgOrder(f_);
    bool changed = false;
    for (Block b : cfg.ReversePostOrder()) {
      block_ = b;
      for (Inst i : f_.block(b).insts) {
        changed |= Fold(i);
        // Note what is a constant now, for the instructions after it.
        const InstData& d = f_.inst(i);
        if (OpcodeFormat(d.op) == Format::kConst && d.results_count == 1 && !removed_[i.index]) {
          const Value r = f_.Result(i);
          const_kind_[r.index] = d.op == IrOpcode::kIconst ? kIntConstant : kFloatConstant;
          const_bits_[r.index] = d.imm64;
        }
      }
    }
    RemoveMarkedIn(f_, removed_, removed_in_);
    // A second run would fold nothing more: each instruction was folded
    // with its operands' final state (a definition is visited before its
    // uses), and the blocks it made unreachable only drop out of the walk.
    ctx_.at_fixed_point = true;
    return changed;
  }

 private:
  // What const_kind_ says of a value.
  enum : uint8_t { kNotConstant, kIntConstant, kFloatConstant };

  Value Arg(Inst i, size_t k) const { return f_.Resolve(f_.value_pool[f_.inst(i).args_begin + k]); }

  // ConstantBits and IntConstant (util.h) of a resolved operand. The
  // instruction defining it was visited already: a definition dominates its
  // uses, and the visit goes in reverse post-order; so const_kind_, filled
  // on the way, answers without looking at that instruction.
  std::optional<uint64_t> ConstantBits(Value v) const {
    if (const_kind_[v.index] == kNotConstant) return std::nullopt;
    return const_bits_[v.index];
  }
  std::optional<uint64_t> IntConstant(Value v) const {
    if (const_kind_[v.index] != kIntConstant) return std::nullopt;
    return const_bits_[v.index];
  }

  bool Fold(Inst i) {
    const InstData& d = f_.inst(i);
    switch (OpcodeFormat(d.op)) {
      case Format::kUnary: {
        const Value a = Arg(i, 0);
        const std::optional<uint64_t> ca = ConstantBits(a);
        if (!ca) return false;
        return ToConstant(i, EvalUnary(d.op, d.type, f_.ValueType(a), *ca));
      }
      case Format::kBinary: {
        const Value x = Arg(i, 0), y = Arg(i, 1);
        const std::optional<uint64_t> cx = ConstantBits(x), cy = ConstantBits(y);
        if (cx && cy) return ToConstant(i, EvalBinary(d.op, d.type, *cx, *cy));
        if (!ir::IsInt(d.type)) return false;
        // Without a constant operand, only x op x simplifies.
        if (!cx && !cy && x != y) return false;
        const Simplified s = Simplify(d.op, d.type, x, y, cx, cy);
        if (s.kind == Simplified::Kind::kValue) {
          Replace(i, s.value);
          return true;
        }
        if (s.kind == Simplified::Kind::kConstant) return ToConstant(i, s.bits);
        return false;
      }
      case Format::kIntCompare:
      case Format::kFloatCompare: {
        const std::optional<uint64_t> cx = ConstantBits(Arg(i, 0));
        const std::optional<uint64_t> cy = ConstantBits(Arg(i, 1));
        if (!cx || !cy) return false;
        const std::optional<bool> r = d.op == IrOpcode::kIcmp
                                          ? EvalIntCompare(d.cond, d.type, *cx, *cy)
                                          : EvalFloatCompare(d.cond, d.type, *cx, *cy);
        if (!r) return false;
        RewriteAsConstant(f_, i, Type::kI32, *r ? 1 : 0);
        return true;
      }
      case Format::kSelect: {
        const std::optional<uint64_t> c = IntConstant(Arg(i, 0));
        if (c) {
          Replace(i, Arg(i, *c != 0 ? 1 : 2));
          return true;
        }
        if (Arg(i, 1) == Arg(i, 2)) {
          Replace(i, Arg(i, 1));
          return true;
        }
        return false;
      }
      case Format::kBrIf: {
        const std::optional<uint64_t> c = IntConstant(Arg(i, 0));
        if (c) {
          ToJump(i, *c != 0 ? 0 : 1);
          return true;
        }
        const absl::Span<const BlockCall> t = f_.Targets(i);
        if (SameCall(t[0], t[1])) {
          ToJump(i, 0);
          return true;
        }
        return false;
      }
      case Format::kBrTable: {
        const absl::Span<const BlockCall> t = f_.Targets(i);
        const std::optional<uint64_t> c = IntConstant(Arg(i, 0));
        if (c) {
          // Indexes past the cases (unsigned) take the default, the last.
          ToJump(i, *c < t.size() - 1 ? *c : t.size() - 1);
          return true;
        }
        for (const BlockCall& call : t) {
          if (!SameCall(call, t[0])) return false;
        }
        ToJump(i, 0);
        return true;
      }
      default:
        return false;
    }
  }

  void Replace(Inst i, Value v) {
    ReplaceInstWithValue(f_, i, v, removed_);
    if (removed_in_.empty() || removed_in_.back() != block_) removed_in_.push_back(block_);
  }

  void ToJump(Inst i, size_t target) { ctx_.RewriteAsJump(f_, i, target); }

  bool ToConstant(Inst i, std::optional<uint64_t> bits) {
    if (!bits) return false;
    RewriteAsConstant(f_, i, f_.ValueType(f_.Result(i)), *bits);
    return true;
  }

  bool SameCall(const BlockCall& a, const BlockCall& b) const {
    if (a.block != b.block || a.args_count != b.args_count) return false;
    const absl::Span<const Value> x = f_.CallArgs(a), y = f_.CallArgs(b);
    for (size_t k = 0; k < x.size(); ++k) {
      if (f_.Resolve(x[k]) != f_.Resolve(y[k])) return false;
    }
    return true;
  }

  Function& f_;
  PassContext& ctx_;
  Flags& removed_;
  std::vector<Block>& removed_in_;  // the blocks of the removed instructions
  Block block_;                     // the block being visited
  // By value: whether an iconst, or an f32const / f64const, in a block
  // visited so far defines it, and its bits.
  Flags& const_kind_;
  std::vector<uint64_t>& const_bits_;
};

}  // namespace

bool RunConstantFolding(Function& f, PassContext& ctx) { return ConstantFolder(f, ctx).Run(); }

bool RunConstantFolding(Function& f) {
  PassContext ctx;
  return RunConstantFolding(f, ctx);
}

}  // namespace wasm::opt
