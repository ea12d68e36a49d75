// The lowering's shared state, used by lower.cc and lower_float.cc only.
#ifndef RUNTIME_CODEGEN_LOWER_INTERNAL_H_
#define RUNTIME_CODEGEN_LOWER_INTERNAL_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "runtime/codegen/abi.h"
#include "runtime/codegen/lower.h"
#include "runtime/codegen/vcode.h"
#include "runtime/ir/cfg.h"
#include "runtime/ir/ir.h"
#include "runtime/x64/assembler.h"

namespace wasm::codegen {

// Placeholders written into Inst operands that a vreg stands for.
inline constexpr x64::Reg G = x64::kRax;
inline constexpr x64::Reg X = x64::kXmm0;

class Lowerer {
 public:
  // `block_order`: see Lower.
  Lowerer(const ir::Function& f, const ModuleCodegenContext& ctx, x64::Assembler& as,
          absl::Span<const ir::Block> block_order)
      : f_(f), ctx_(ctx), as_(as), order_(block_order) {
    if (order_.empty()) {
      own_cfg_.ComputeOrder(f);  // only the block order is needed, not dominators
      order_ = own_cfg_.ReversePostOrder();
    }
  }

  absl::StatusOr<LoweredFunction> Run();

 private:
  // ---- helpers (lower.cc) ----
  // The vreg of IR value `v` (resolved), made on first use. (Inline: called
  // for most operands.)
  VReg V(ir::Value v) {
    v = f_.Resolve(v);
    const VReg r = vregs_[v.index];
    return r.valid() ? r : NewVRegFor(v);
  }
  VReg NewVRegFor(ir::Value resolved);
  VReg NewGpr() { return out_.vcode.NewVReg(x64::RegClass::kGpr); }
  VReg NewXmm() { return out_.vcode.NewVReg(x64::RegClass::kXmm); }
  MachInst& E(const x64::Inst& inst, std::initializer_list<VReg> vregs = {}) {
    for (VReg v : vregs) Mention(v);
    const x64::Form f = inst.form();
    if ((f == x64::Form::kMov32OI || f == x64::Form::kMov64OI || f == x64::Form::kMov64MI) &&
        vregs.size() > 0 && vregs.begin()->valid()) {
      const uint32_t k = static_cast<uint32_t>(out_.vcode.block(cur_).insts.size());
      constant_moves_.push_back({cur_, k});
    }
    return out_.vcode.Emit(cur_, inst, vregs);
  }
  // Counts a mention of `v` for RemoveDeadConstants (up to 2).
  void Mention(VReg v) {
    if (!v.valid()) return;
    if (v.index >= mentions_.size()) {
      // Grown ahead (RemoveDeadConstants trims it): not once per new vreg.
      mentions_.resize(std::max<size_t>(out_.vcode.num_vregs(), 2 * mentions_.size() + 64), 0);
    }
    if (mentions_[v.index] < 2) ++mentions_[v.index];
  }
  // Adds the parallel move moves_ (then cleared) to block `b`.
  void AddMoves(uint32_t b);
  void Jcc(x64::Cond c, x64::Label l);
  void Jmp(x64::Label l);
  void Bind(x64::Label l);
  x64::Label TrapLabel(TrapKind kind);
  std::optional<int64_t> ConstOf(ir::Value v) const;
  // The value's constant if it fits a sign-extended imm32 (of `type`).
  std::optional<int32_t> Imm32Of(ir::Value v, ir::Type type) const;
  void MovImm(VReg d, ir::Type t, uint64_t bits);
  void Copy(VReg d, VReg s, ir::Type t);
  // The memory operand [r15 + idx + offset]; `index` receives the vreg that
  // goes into the index slot.
  x64::Mem Addr(VReg idx, uint32_t offset, VReg* index);
  x64::Cond IntCond(ir::Cond c) const;

  absl::Status LowerBlock(ir::Block b);
  absl::Status LowerInst(ir::Inst i);
  void LowerEntryParams();
  void RemoveDeadConstants();
  void LowerIntBinary(ir::Inst i);
  void LowerDivRem(ir::Inst i);
  void LowerShift(ir::Inst i);
  void LowerIntUnary(ir::Inst i);
  // Emits a compare for `cond_value` (fused icmp / fcmp, or test) and returns
  // the condition under which it is true. For fcmp eq / ne, `parity` says how
  // the unordered case must be handled (see EmitFloatCompare).
  struct FlagCond {
    x64::Cond cond;
    // Float compares: kNone, or the unordered outcome must go the other way:
    // kUnorderedFalse (eq: jp → false), kUnorderedTrue (ne: jp → true).
    enum class Parity : uint8_t { kNone, kUnorderedFalse, kUnorderedTrue } parity = Parity::kNone;
  };
  FlagCond EmitCondition(ir::Value cond_value);
  FlagCond EmitIntCompare(ir::Inst cmp);
  void EmitBandTest(ir::Inst band);
  void LowerSelect(ir::Inst i);
  void LowerLoad(ir::Inst i);
  void LowerStore(ir::Inst i);
  void LowerGlobal(ir::Inst i);
  void LowerCall(ir::Inst i);
  void LowerBuiltin(ir::Inst i);
  void LowerTerminator(ir::Inst i);
  uint32_t EdgeTarget(const ir::BlockCall& call);
  // Argument setup, the call itself, result moves.
  // The calling convention of call `i` whose wasm arguments are `args`.
  CallConv ConventionOf(ir::Inst i, absl::Span<const ir::Value> args) const;
  void EmitCallSequence(ir::Inst i, absl::Span<const ir::Value> args, const x64::Inst& call_inst,
                        VReg funcref);

  // ---- floats (lower_float.cc) ----
  void LowerFloatConst(ir::Inst i);
  void LowerFloatUnary(ir::Inst i);
  void LowerFloatBinary(ir::Inst i);
  void LowerMinMax(ir::Inst i);
  FlagCond EmitFloatCompare(ir::Inst cmp);
  void LowerConversion(ir::Inst i);
  void LowerFloatToInt(ir::Inst i, bool is_signed, bool saturating);
  void LowerIntToFloat(ir::Inst i, bool is_signed);
  void LowerBitcast(ir::Inst i);
  x64::Mem MaskConstant(ir::Type t, bool sign_bit);
  x64::Mem FloatConstant(ir::Type t, double value);
  void SetFromFlags(VReg d, FlagCond fc);

  const ir::Function& f_;
  const ModuleCodegenContext& ctx_;
  x64::Assembler& as_;
  // The reverse post-order of f_'s reachable blocks: the caller's, or own_cfg_'s.
  absl::Span<const ir::Block> order_;
  ir::ControlFlowGraph own_cfg_;
  LoweredFunction out_;
  uint32_t cur_ = 0;
  std::vector<VReg> vregs_;                     // per IR value
  std::vector<uint32_t> mblock_;                // per IR block: machine block
  // Per IR block: branch targets naming it, over all reachable terminators
  // (with multiplicity), plus 1 for the entry block (the function's entry).
  // More than one: edges into it from blocks with several successors get an
  // edge block (no critical edges, vcode.h).
  std::vector<uint32_t> incoming_edges_;
  std::vector<uint32_t> use_counts_;
  std::vector<bool> fused_;  // per IR value: a compare / band lowered at its user
  std::array<x64::Label, kNumTrapKinds> trap_labels_;  // per TrapKind, once made
  // RemoveDeadConstants' input: how often each vreg is mentioned by an
  // instruction (saturating at 2), and where constant moves were emitted
  // (block, index), in order.
  std::vector<uint8_t> mentions_;
  struct InstPos {
    uint32_t block, index;
  };
  std::vector<InstPos> constant_moves_;
  std::vector<MoveOp> moves_;  // scratch for a parallel move being built
  // The calls' conventions, computed once by Run (for the frame's outgoing
  // argument area) in lowering order, and taken in turn by EmitCallSequence.
  struct CallConvOf {
    ir::Inst call;
    CallConv cc;
  };
  std::vector<CallConvOf> call_convs_;
  size_t next_call_conv_ = 0;
  VReg results_out_;
  uint32_t results_buffer_offset_ = 0;  // [rsp + this]: the multi-result buffer
};

}  // namespace wasm::codegen

#endif  // RUNTIME_CODEGEN_LOWER_INTERNAL_H_
