// Instruction selection for integers, control flow, memory, globals and calls.
// Floats and conversions are in lower_float.cc.
#include "runtime/codegen/lower.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "runtime/codegen/abi.h"
#include "runtime/codegen/lower_internal.h"
#include "runtime/ir/builtins.h"

namespace wasm::codegen {

using x64::Form;
using x64::Imm;
using x64::Mem;
using ir::IrOpcode;
using ir::Type;

DumpOptions DumpOptionsFromEnv() {
  DumpOptions d;
  const char* env = std::getenv("WASM_JIT_DUMP");
  if (env == nullptr) return d;
  const absl::string_view s(env);
  d.ir = absl::StrContains(s, "ir");
  d.vcode = absl::StrContains(s, "vcode");
  d.asm_text = absl::StrContains(s, "asm");
  return d;
}

RegAllocOptions RegAllocOptionsFromEnv() {
  RegAllocOptions o;
  const char* env = std::getenv("WASM_JIT_REGS");
  if (env == nullptr) return o;
  o.max_gprs = o.max_xmms = std::atoi(env);
  return o;
}

namespace {
inline Form F(bool w64, Form f32, Form f64) { return w64 ? f64 : f32; }
}  // namespace

// ---- Helpers ---------------------------------------------------------------------

VReg Lowerer::NewVRegFor(ir::Value resolved) {
  return vregs_[resolved.index] = IsFloat(f_.ValueType(resolved)) ? NewXmm() : NewGpr();
}

void Lowerer::Jcc(x64::Cond c, x64::Label l) {
  MachInst& mi = out_.vcode.AppendNew(cur_);
  mi.kind = MachInst::Kind::kJcc;
  mi.cond = c;
  mi.label = l;
}

void Lowerer::Jmp(x64::Label l) {
  MachInst& mi = out_.vcode.AppendNew(cur_);
  mi.kind = MachInst::Kind::kJmp;
  mi.label = l;
}

void Lowerer::Bind(x64::Label l) {
  MachInst& mi = out_.vcode.AppendNew(cur_);
  mi.kind = MachInst::Kind::kBind;
  mi.label = l;
}

x64::Label Lowerer::TrapLabel(TrapKind kind) {
  x64::Label& l = trap_labels_[static_cast<uint8_t>(kind)];
  if (l.is_valid()) return l;
  l = as_.NewLabel();
  out_.trap_stubs.emplace_back(kind, l);
  return l;
}

void Lowerer::AddMoves(uint32_t b) {
  for (const MoveOp& m : moves_) {
    Mention(m.dst);
    Mention(m.src);
  }
  out_.vcode.AddParallelMove(b, moves_);
  moves_.clear();
}

std::optional<int64_t> Lowerer::ConstOf(ir::Value v) const {
  const ir::Inst def = f_.DefiningInst(v);
  if (!def.valid()) return std::nullopt;
  const ir::InstData& d = f_.inst(def);
  if (d.op != IrOpcode::kIconst) return std::nullopt;
  if (d.type == Type::kI32) return static_cast<int64_t>(static_cast<int32_t>(d.imm64));
  return static_cast<int64_t>(d.imm64);
}

std::optional<int32_t> Lowerer::Imm32Of(ir::Value v, Type type) const {
  std::optional<int64_t> c = ConstOf(v);
  if (!c) return std::nullopt;
  if (type == Type::kI32) return static_cast<int32_t>(*c);
  if (*c < INT32_MIN || *c > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(*c);
}

void Lowerer::MovImm(VReg d, Type t, uint64_t bits) {
  if (t == Type::kI32) bits &= 0xffffffffu;
  const int64_t v = static_cast<int64_t>(bits);
  if (bits <= 0xffffffffu) {
    E(x64::Inst(Form::kMov32OI, {G, Imm(v)}), {d});
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    E(x64::Inst(Form::kMov64MI, {G, Imm(v)}), {d});
  } else {
    E(x64::Inst(Form::kMov64OI, {G, Imm(v)}), {d});
  }
}

// A 64-bit move for i32 too: an i32 value's upper half is already zero
// (abi.h), and the emitter drops a 64-bit move the register allocator made a
// self-move (a 32-bit one would still zero-extend).
void Lowerer::Copy(VReg d, VReg s, Type t) {
  if (IsFloat(t)) {
    E(x64::Inst(Form::kMovapsRM, {X, X}), {d, s});
  } else {
    E(x64::Inst(Form::kMov64RM, {G, G}), {d, s});
  }
}

x64::Mem Lowerer::Addr(VReg idx, uint32_t offset, VReg* index) {
  if (offset <= static_cast<uint32_t>(INT32_MAX)) {
    *index = idx;
    return Mem(kMemBaseReg, G, 1, static_cast<int32_t>(offset));
  }
  // Offsets >= 2^31 do not fit a disp32: index + offset in a 64-bit register.
  const VReg t = NewGpr();
  E(x64::Inst(Form::kMov32OI, {G, Imm(offset)}), {t});
  E(x64::Inst(Form::kAdd64RM, {G, G}), {t, idx});
  *index = t;
  return Mem(kMemBaseReg, G, 1, 0);
}

x64::Cond Lowerer::IntCond(ir::Cond c) const {
  using C = x64::Cond;
  switch (c) {
    case ir::Cond::kEq: return C::kE;
    case ir::Cond::kNe: return C::kNe;
    case ir::Cond::kSlt: return C::kL;
    case ir::Cond::kUlt: return C::kB;
    case ir::Cond::kSgt: return C::kG;
    case ir::Cond::kUgt: return C::kA;
    case ir::Cond::kSle: return C::kLe;
    case ir::Cond::kUle: return C::kBe;
    case ir::Cond::kSge: return C::kGe;
    case ir::Cond::kUge: return C::kAe;
    default: return C::kE;  // float conditions never reach here
  }
}

// ---- Driver ----------------------------------------------------------------------

absl::StatusOr<LoweredFunction> Lowerer::Run() {
  vregs_.assign(f_.values.size(), VReg());
  fused_.assign(f_.values.size(), false);
  mblock_.assign(f_.blocks.size(), UINT32_MAX);
  use_counts_ = ir::CountUses(f_);
  incoming_edges_.assign(f_.blocks.size(), 0);
  if (!f_.layout.empty()) ++incoming_edges_[f_.layout[0].index];
  size_t num_targets = 0, num_insts = 0;
  for (ir::Block b : order_) {
    num_insts += f_.block(b).insts.size();
    const ir::Inst term = f_.Terminator(b);
    if (!term.valid()) continue;
    for (const ir::BlockCall& c : f_.Targets(term)) ++incoming_edges_[c.block.index];
    num_targets += f_.Targets(term).size();
  }
  // A machine block per reachable block, and at most one edge block per
  // branch target: the blocks never move once made.
  out_.vcode.ReserveBlocks(order_.size() + num_targets);
  // What the blocks reserve below (and edge blocks in EdgeTarget).
  out_.vcode.ReserveInsts(2 * num_insts + 4 * order_.size() + 2 * num_targets);
  out_.has_results_out = f_.signature.results.size() >= 2;

  // Fusion candidates: a compare used once, by a brif / select / trap_if;
  // a band used once, as such a condition or compared with 0 by eq / ne
  // (then `test`, no and).
  auto single_band = [&](ir::Value v) {
    const ir::Inst def = f_.DefiningInst(v);
    return def.valid() && use_counts_[v.index] == 1 && f_.inst(def).op == IrOpcode::kBand;
  };
  for (ir::Block b : order_) {
    for (ir::Inst i : f_.block(b).insts) {
      const ir::InstData& d = f_.inst(i);
      if (d.op == IrOpcode::kIcmp && (d.cond == ir::Cond::kEq || d.cond == ir::Cond::kNe)) {
        const ir::Value lhs = f_.Resolve(f_.Args(i)[0]);
        const std::optional<int64_t> rhs = ConstOf(f_.Args(i)[1]);
        if (rhs && *rhs == 0 && single_band(lhs)) fused_[lhs.index] = true;
      }
      if (d.op != IrOpcode::kBrIf && d.op != IrOpcode::kSelect && d.op != IrOpcode::kTrapIf) continue;
      const ir::Value c = f_.Resolve(f_.Args(i)[0]);
      const ir::Inst def = f_.DefiningInst(c);
      if (!def.valid() || use_counts_[c.index] != 1) continue;
      const IrOpcode op = f_.inst(def).op;
      if (op == IrOpcode::kIcmp || op == IrOpcode::kFcmp || op == IrOpcode::kBand) {
        fused_[c.index] = true;
      }
    }
  }
  // Outgoing stack arguments and the multi-result buffer, sized over all calls.
  uint32_t max_stack_slots = 0, max_results = 0;
  for (ir::Block b : order_) {
    for (ir::Inst i : f_.block(b).insts) {
      const ir::InstData& d = f_.inst(i);
      if (d.op != IrOpcode::kCall && d.op != IrOpcode::kCallIndirect) continue;
      // (call_indirect's first operand is the table index.)
      const size_t skip = d.op == IrOpcode::kCallIndirect ? 1 : 0;
      CallConv cc = ConventionOf(i, f_.Args(i).subspan(skip));
      max_stack_slots = std::max(max_stack_slots, cc.stack_slots);
      call_convs_.push_back({i, std::move(cc)});
      const size_t num_results = f_.Results(i).size();
      if (num_results >= 2) max_results = std::max<uint32_t>(max_results, num_results);
    }
  }
  out_.vcode.outgoing_arg_bytes = 8 * max_stack_slots;
  out_.vcode.results_buffer_bytes = 8 * max_results;
  results_buffer_offset_ = out_.vcode.outgoing_arg_bytes;

  for (ir::Block b : order_) {
    mblock_[b.index] = out_.vcode.NewBlock(as_.NewLabel(), b.index);
    // About two machine instructions per IR instruction: reserved, as
    // MachInsts are big to move when a vector grows.
    out_.vcode.block(mblock_[b.index]).insts.reserve(2 * f_.block(b).insts.size() + 4);
  }
  bool entry = true;
  for (ir::Block b : order_) {
    cur_ = mblock_[b.index];
    if (entry) LowerEntryParams();
    entry = false;
    absl::Status s = LowerBlock(b);
    if (!s.ok()) return s;
  }
  RemoveDeadConstants();
  return std::move(out_);
}

// An iconst whose every use was folded as an immediate (shift counts,
// add / cmp / imul operands) is still materialised by MovImm; nothing reads
// it. Dropping those moves keeps them from taking registers.
void Lowerer::RemoveDeadConstants() {
  // How often each vreg is mentioned at all (counted as instructions were
  // emitted): a constant's vreg mentioned only by its own MovImm is unused.
  VCode& code = out_.vcode;
  mentions_.resize(code.num_vregs(), 0);
  auto dead = [&](const MachInst& mi) {
    const Form f = mi.inst.form();
    return mi.kind == MachInst::Kind::kInst && !mi.trap &&
           (f == Form::kMov32OI || f == Form::kMov64OI || f == Form::kMov64MI) &&
           mi.vregs[0].valid() && mentions_[mi.vregs[0].index] == 1;
  };
  // Only the blocks holding a dead constant move are compacted.
  uint32_t last_block = UINT32_MAX;
  for (const InstPos& p : constant_moves_) {
    if (p.block == last_block || !dead(code.block(p.block).insts[p.index])) continue;
    last_block = p.block;
    auto& insts = code.block(p.block).insts;
    insts.erase(std::remove_if(insts.begin(), insts.end(), dead), insts.end());
  }
}

void Lowerer::LowerEntryParams() {
  const ir::Block entry = f_.layout[0];
  const auto& params = f_.block(entry).params;
  const CallConv cc = ComputeCallConv(f_.signature.params, f_.signature.results);
  if (cc.has_results_out) {
    results_out_ = NewGpr();
    E(x64::Inst(Form::kMov64RM, {G, x64::kRsi}), {results_out_});
  }
  for (size_t k = 0; k < params.size(); ++k) {
    const Type t = f_.ValueType(params[k]);
    const VReg v = V(params[k]);
    const ArgLoc& loc = cc.params[k];
    if (loc.in_reg()) {
      if (IsFloat(t)) {
        E(x64::Inst(Form::kMovapsRM, {X, loc.reg}), {v});
      } else {
        E(x64::Inst(F(t == Type::kI64, Form::kMov32RM, Form::kMov64RM), {G, loc.reg}), {v});
      }
    } else {
      const Mem m(x64::kRbp, 16 + 8 * static_cast<int32_t>(loc.stack_slot));
      Form form = t == Type::kI32   ? Form::kMov32RM
                  : t == Type::kI64 ? Form::kMov64RM
                  : t == Type::kF32 ? Form::kMovssRM
                                    : Form::kMovsdRM;
      E(x64::Inst(form, {IsFloat(t) ? X : G, m}), {v});
    }
  }
}

absl::Status Lowerer::LowerBlock(ir::Block b) {
  for (ir::Inst i : f_.block(b).insts) {
    absl::Status s = LowerInst(i);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Lowerer::LowerInst(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  switch (d.op) {
    case IrOpcode::kIconst:
      MovImm(V(f_.Result(i)), d.type, d.imm64);
      return absl::OkStatus();
    case IrOpcode::kF32const:
    case IrOpcode::kF64const:
      LowerFloatConst(i);
      return absl::OkStatus();
    case IrOpcode::kClz:
    case IrOpcode::kCtz:
    case IrOpcode::kPopcnt:
    case IrOpcode::kSext8:
    case IrOpcode::kSext16:
    case IrOpcode::kSext32:
    case IrOpcode::kIreduce:
    case IrOpcode::kUextend:
    case IrOpcode::kSextend:
      LowerIntUnary(i);
      return absl::OkStatus();
    case IrOpcode::kFneg:
    case IrOpcode::kFabs:
    case IrOpcode::kFsqrt:
    case IrOpcode::kFceil:
    case IrOpcode::kFfloor:
    case IrOpcode::kFtrunc:
    case IrOpcode::kFnearest:
    case IrOpcode::kFpromote:
    case IrOpcode::kFdemote:
      LowerFloatUnary(i);
      return absl::OkStatus();
    case IrOpcode::kFcvtToSint:
    case IrOpcode::kFcvtToUint:
    case IrOpcode::kFcvtToSintSat:
    case IrOpcode::kFcvtToUintSat:
    case IrOpcode::kFcvtFromSint:
    case IrOpcode::kFcvtFromUint:
      LowerConversion(i);
      return absl::OkStatus();
    case IrOpcode::kBitcast:
      LowerBitcast(i);
      return absl::OkStatus();
    case IrOpcode::kBand:
      if (fused_[f_.Result(i).index]) return absl::OkStatus();  // a test at its user
      LowerIntBinary(i);
      return absl::OkStatus();
    case IrOpcode::kIadd:
    case IrOpcode::kIsub:
    case IrOpcode::kImul:
    case IrOpcode::kBor:
    case IrOpcode::kBxor:
      LowerIntBinary(i);
      return absl::OkStatus();
    case IrOpcode::kSdiv:
    case IrOpcode::kUdiv:
    case IrOpcode::kSrem:
    case IrOpcode::kUrem:
      LowerDivRem(i);
      return absl::OkStatus();
    case IrOpcode::kIshl:
    case IrOpcode::kSshr:
    case IrOpcode::kUshr:
    case IrOpcode::kRotl:
    case IrOpcode::kRotr:
      LowerShift(i);
      return absl::OkStatus();
    case IrOpcode::kFadd:
    case IrOpcode::kFsub:
    case IrOpcode::kFmul:
    case IrOpcode::kFdiv:
    case IrOpcode::kFcopysign:
      LowerFloatBinary(i);
      return absl::OkStatus();
    case IrOpcode::kFmin:
    case IrOpcode::kFmax:
      LowerMinMax(i);
      return absl::OkStatus();
    case IrOpcode::kIcmp:
    case IrOpcode::kFcmp: {
      if (fused_[f_.Result(i).index]) return absl::OkStatus();  // lowered at its user
      const FlagCond fc = d.op == IrOpcode::kIcmp ? EmitIntCompare(i) : EmitFloatCompare(i);
      SetFromFlags(V(f_.Result(i)), fc);
      return absl::OkStatus();
    }
    case IrOpcode::kSelect:
      LowerSelect(i);
      return absl::OkStatus();
    case IrOpcode::kLoad:
      LowerLoad(i);
      return absl::OkStatus();
    case IrOpcode::kStore:
      LowerStore(i);
      return absl::OkStatus();
    case IrOpcode::kGlobalGet:
    case IrOpcode::kGlobalSet:
      LowerGlobal(i);
      return absl::OkStatus();
    case IrOpcode::kCall:
    case IrOpcode::kCallIndirect:
      LowerCall(i);
      return absl::OkStatus();
    case IrOpcode::kCallBuiltin:
      LowerBuiltin(i);
      return absl::OkStatus();
    case IrOpcode::kTrapIf: {
      const FlagCond fc = EmitCondition(f_.Args(i)[0]);
      const x64::Label trap = TrapLabel(static_cast<TrapKind>(d.imm32));
      if (fc.parity == FlagCond::Parity::kUnorderedTrue) Jcc(x64::Cond::kP, trap);
      if (fc.parity == FlagCond::Parity::kUnorderedFalse) {
        const x64::Label skip = as_.NewLabel();
        Jcc(x64::Cond::kP, skip);
        Jcc(fc.cond, trap);
        Bind(skip);
      } else {
        Jcc(fc.cond, trap);
      }
      return absl::OkStatus();
    }
    case IrOpcode::kJump:
    case IrOpcode::kBrIf:
    case IrOpcode::kBrTable:
    case IrOpcode::kReturn:
    case IrOpcode::kTrap:
      LowerTerminator(i);
      return absl::OkStatus();
  }
  return absl::UnimplementedError(absl::StrCat("no lowering for ", ir::OpcodeName(d.op)));
}

// ---- Integers --------------------------------------------------------------------

void Lowerer::LowerIntBinary(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const bool w = d.type == Type::kI64;
  auto args = f_.Args(i);
  const VReg r = V(f_.Result(i)), a = V(args[0]);
  const std::optional<int32_t> imm = Imm32Of(args[1], d.type);
  if (d.op == IrOpcode::kImul && imm) {
    E(x64::Inst(F(w, Form::kImul32RMI, Form::kImul64RMI), {G, G, Imm(*imm)}), {r, a});
    return;
  }
  // a + b and a +- imm while a has other uses (so it likely lives on): lea,
  // a three-address add, instead of a copy of a and a two-address add. (A
  // 32-bit lea's low half depends only on the inputs' low halves, and it
  // zero-extends, as i32 values require.)
  const bool a_lives_on = use_counts_[f_.Resolve(args[0]).index] > 1;
  const bool sub_imm = d.op == IrOpcode::kIsub && imm && *imm != INT32_MIN;
  if (a_lives_on && (d.op == IrOpcode::kIadd || sub_imm)) {
    const Form lea = F(w, Form::kLea32RM, Form::kLea64RM);
    if (imm) {
      const int32_t disp = d.op == IrOpcode::kIadd ? *imm : -*imm;
      E(x64::Inst(lea, {G, Mem(G, disp)}), {r, a});
    } else {
      E(x64::Inst(lea, {G, Mem(G, G, 1, 0)}), {r, a, V(args[1])});
    }
    return;
  }
  Form rm, mi;
  switch (d.op) {
    case IrOpcode::kIadd: rm = F(w, Form::kAdd32RM, Form::kAdd64RM); mi = F(w, Form::kAdd32MI, Form::kAdd64MI); break;
    case IrOpcode::kIsub: rm = F(w, Form::kSub32RM, Form::kSub64RM); mi = F(w, Form::kSub32MI, Form::kSub64MI); break;
    case IrOpcode::kImul: rm = F(w, Form::kImul32RM, Form::kImul64RM); mi = rm; break;
    case IrOpcode::kBand: rm = F(w, Form::kAnd32RM, Form::kAnd64RM); mi = F(w, Form::kAnd32MI, Form::kAnd64MI); break;
    case IrOpcode::kBor: rm = F(w, Form::kOr32RM, Form::kOr64RM); mi = F(w, Form::kOr32MI, Form::kOr64MI); break;
    default: rm = F(w, Form::kXor32RM, Form::kXor64RM); mi = F(w, Form::kXor32MI, Form::kXor64MI); break;
  }
  Copy(r, a, d.type);
  if (imm) {
    E(x64::Inst(mi, {G, Imm(*imm)}), {r});
  } else {
    E(x64::Inst(rm, {G, G}), {r, V(args[1])});
  }
}

void Lowerer::LowerDivRem(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const bool w = d.type == Type::kI64;
  auto args = f_.Args(i);
  const VReg r = V(f_.Result(i)), a = V(args[0]), b = V(args[1]);
  const std::optional<int64_t> cb = ConstOf(args[1]);
  const bool is_signed = d.op == IrOpcode::kSdiv || d.op == IrOpcode::kSrem;
  const bool is_rem = d.op == IrOpcode::kSrem || d.op == IrOpcode::kUrem;
  if (!cb || *cb == 0) {
    E(x64::Inst(F(w, Form::kTest32MR, Form::kTest64MR), {G, G}), {b, b});
    Jcc(x64::Cond::kE, TrapLabel(TrapKind::kIntegerDivideByZero));
  }
  const bool maybe_minus1 = is_signed && (!cb || *cb == -1);
  x64::Label done;
  if (maybe_minus1 && !is_rem) {
    // INT_MIN / -1 overflows: trap. Compare b with -1 first (cheap, rare).
    const x64::Label ok = as_.NewLabel();
    E(x64::Inst(F(w, Form::kCmp32MI, Form::kCmp64MI), {G, Imm(-1)}), {b});
    Jcc(x64::Cond::kNe, ok);
    if (w) {
      const VReg t = NewGpr();
      MovImm(t, Type::kI64, uint64_t{1} << 63);
      E(x64::Inst(Form::kCmp64RM, {G, G}), {a, t});
    } else {
      E(x64::Inst(Form::kCmp32MI, {G, Imm(INT32_MIN)}), {a});
    }
    Jcc(x64::Cond::kE, TrapLabel(TrapKind::kIntegerOverflow));
    Bind(ok);
  } else if (maybe_minus1 && is_rem) {
    // x % -1 == 0 for every x (idiv would fault on INT_MIN % -1).
    const x64::Label divide = as_.NewLabel();
    done = as_.NewLabel();
    E(x64::Inst(F(w, Form::kCmp32MI, Form::kCmp64MI), {G, Imm(-1)}), {b});
    Jcc(x64::Cond::kNe, divide);
    E(x64::Inst(Form::kMov32OI, {G, Imm(0)}), {r});
    Jmp(done);
    Bind(divide);
  }
  // Invariant: rax / rdx are live only between here and the result move,
  // with no local label in between.
  E(x64::Inst(F(w, Form::kMov32RM, Form::kMov64RM), {x64::kRax, G}), {VReg(), a});
  if (is_signed) {
    E(x64::Inst(w ? Form::kCqo : Form::kCdq, {}));
    E(x64::Inst(F(w, Form::kIdiv32M, Form::kIdiv64M), {G}), {b});
  } else {
    E(x64::Inst(Form::kMov32OI, {x64::kRdx, Imm(0)}));
    E(x64::Inst(F(w, Form::kDiv32M, Form::kDiv64M), {G}), {b});
  }
  E(x64::Inst(F(w, Form::kMov32RM, Form::kMov64RM), {G, is_rem ? x64::kRdx : x64::kRax}), {r});
  if (done.is_valid()) Bind(done);
}

void Lowerer::LowerShift(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const bool w = d.type == Type::kI64;
  auto args = f_.Args(i);
  const VReg r = V(f_.Result(i)), a = V(args[0]);
  Form by_cl, by_imm;
  switch (d.op) {
    case IrOpcode::kIshl: by_cl = F(w, Form::kShl32MC, Form::kShl64MC); by_imm = F(w, Form::kShl32MI, Form::kShl64MI); break;
    case IrOpcode::kSshr: by_cl = F(w, Form::kSar32MC, Form::kSar64MC); by_imm = F(w, Form::kSar32MI, Form::kSar64MI); break;
    case IrOpcode::kUshr: by_cl = F(w, Form::kShr32MC, Form::kShr64MC); by_imm = F(w, Form::kShr32MI, Form::kShr64MI); break;
    case IrOpcode::kRotl: by_cl = F(w, Form::kRol32MC, Form::kRol64MC); by_imm = F(w, Form::kRol32MI, Form::kRol64MI); break;
    default: by_cl = F(w, Form::kRor32MC, Form::kRor64MC); by_imm = F(w, Form::kRor32MI, Form::kRor64MI); break;
  }
  if (std::optional<int64_t> c = ConstOf(args[1])) {
    Copy(r, a, d.type);
    const int64_t count = *c & (w ? 63 : 31);  // WebAssembly: count modulo the width
    if (count != 0) E(x64::Inst(by_imm, {G, Imm(count)}), {r});
    return;
  }
  // x86 masks a count in cl to 5 (32-bit) or 6 (64-bit) bits, as wasm wants.
  E(x64::Inst(Form::kMov32RM, {x64::kRcx, G}), {VReg(), V(args[1])});
  Copy(r, a, d.type);
  E(x64::Inst(by_cl, {G}), {r});
}

void Lowerer::LowerIntUnary(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const bool w = d.type == Type::kI64;
  const VReg r = V(f_.Result(i)), a = V(f_.Args(i)[0]);
  Form form;
  switch (d.op) {
    case IrOpcode::kClz: form = F(w, Form::kLzcnt32RM, Form::kLzcnt64RM); break;
    case IrOpcode::kCtz: form = F(w, Form::kTzcnt32RM, Form::kTzcnt64RM); break;
    case IrOpcode::kPopcnt: form = F(w, Form::kPopcnt32RM, Form::kPopcnt64RM); break;
    case IrOpcode::kSext8: form = F(w, Form::kMovsx32RM8, Form::kMovsx64RM8); break;
    case IrOpcode::kSext16: form = F(w, Form::kMovsx32RM16, Form::kMovsx64RM16); break;
    case IrOpcode::kSext32:
    case IrOpcode::kSextend: form = Form::kMovsxd64RM32; break;
    // uextend: the i32's upper half is already zero (abi.h), a plain copy.
    case IrOpcode::kUextend: form = Form::kMov64RM; break;
    default: form = Form::kMov32RM; break;  // ireduce: mov r32, r32 zero-extends
  }
  E(x64::Inst(form, {G, G}), {r, a});
}

// ---- Compares and select -------------------------------------------------------

// `test a, b` (or `test a, imm`) for a fused band: ZF = (a & b) == 0.
void Lowerer::EmitBandTest(ir::Inst band) {
  const ir::InstData& d = f_.inst(band);
  const bool w = d.type == Type::kI64;
  auto args = f_.Args(band);
  const VReg a = V(args[0]);
  if (std::optional<int32_t> imm = Imm32Of(args[1], d.type)) {
    E(x64::Inst(F(w, Form::kTest32MI, Form::kTest64MI), {G, Imm(*imm)}), {a});
  } else {
    E(x64::Inst(F(w, Form::kTest32MR, Form::kTest64MR), {G, G}), {a, V(args[1])});
  }
}

Lowerer::FlagCond Lowerer::EmitIntCompare(ir::Inst cmp) {
  const ir::InstData& d = f_.inst(cmp);
  const bool w = d.type == Type::kI64;
  auto args = f_.Args(cmp);
  if (const ir::Value lhs = f_.Resolve(args[0]);
      fused_[lhs.index] && f_.inst(f_.DefiningInst(lhs)).op == IrOpcode::kBand) {
    EmitBandTest(f_.DefiningInst(lhs));  // (x & y) ==/!= 0
    return FlagCond{IntCond(d.cond)};
  }
  const VReg a = V(args[0]);
  if (std::optional<int32_t> imm = Imm32Of(args[1], d.type)) {
    E(x64::Inst(F(w, Form::kCmp32MI, Form::kCmp64MI), {G, Imm(*imm)}), {a});
  } else {
    E(x64::Inst(F(w, Form::kCmp32RM, Form::kCmp64RM), {G, G}), {a, V(args[1])});
  }
  return FlagCond{IntCond(d.cond)};
}

Lowerer::FlagCond Lowerer::EmitCondition(ir::Value cond_value) {
  cond_value = f_.Resolve(cond_value);
  if (fused_[cond_value.index]) {
    const ir::Inst def = f_.DefiningInst(cond_value);
    switch (f_.inst(def).op) {
      case IrOpcode::kIcmp: return EmitIntCompare(def);
      case IrOpcode::kBand:
        EmitBandTest(def);
        return FlagCond{x64::Cond::kNe};
      default: return EmitFloatCompare(def);
    }
  }
  const VReg c = V(cond_value);
  E(x64::Inst(Form::kTest32MR, {G, G}), {c, c});
  return FlagCond{x64::Cond::kNe};
}

void Lowerer::SetFromFlags(VReg d, FlagCond fc) {
  const VReg t = NewGpr();
  E(x64::Inst(Form::kSetccM8, {fc.cond, G}), {t});
  E(x64::Inst(Form::kMovzx32RM8, {G, G}), {d, t});
  if (fc.parity == FlagCond::Parity::kNone) return;
  // Float eq: also require "ordered" (np); ne: also accept "unordered" (p).
  const VReg p = NewGpr(), q = NewGpr();
  const bool eq = fc.parity == FlagCond::Parity::kUnorderedFalse;
  E(x64::Inst(Form::kSetccM8, {eq ? x64::Cond::kNp : x64::Cond::kP, G}), {p});
  E(x64::Inst(Form::kMovzx32RM8, {G, G}), {q, p});
  E(x64::Inst(eq ? Form::kAnd32RM : Form::kOr32RM, {G, G}), {d, q});
}

void Lowerer::LowerSelect(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  auto args = f_.Args(i);
  const VReg r = V(f_.Result(i)), a = V(args[1]), b = V(args[2]);
  // r = b first (before the compare: the moves do not touch flags anyway).
  Copy(r, b, d.type);
  const FlagCond fc = EmitCondition(args[0]);
  if (IsInt(d.type) && fc.parity == FlagCond::Parity::kNone) {
    E(x64::Inst(F(d.type == Type::kI64, Form::kCmov32RM, Form::kCmov64RM), {fc.cond, G, G}),
      {r, a});
    return;
  }
  const x64::Label skip = as_.NewLabel(), take = as_.NewLabel();
  if (fc.parity == FlagCond::Parity::kUnorderedFalse) Jcc(x64::Cond::kP, skip);
  if (fc.parity == FlagCond::Parity::kUnorderedTrue) Jcc(x64::Cond::kP, take);
  Jcc(x64::Negate(fc.cond), skip);
  Bind(take);
  Copy(r, a, d.type);
  Bind(skip);
}

// ---- Memory and globals ---------------------------------------------------------

void Lowerer::LowerLoad(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const VReg r = V(f_.Result(i));
  VReg idx;
  const Mem m = Addr(V(f_.Args(i)[0]), d.imm32, &idx);
  const bool w = d.type == Type::kI64;
  Form form;
  switch (d.type) {
    case Type::kF32: form = Form::kMovssRM; break;
    case Type::kF64: form = Form::kMovsdRM; break;
    default:
      switch (d.mem.width) {
        case 1: form = d.mem.sign_extend ? F(w, Form::kMovsx32RM8, Form::kMovsx64RM8)
                                         : Form::kMovzx32RM8; break;
        case 2: form = d.mem.sign_extend ? F(w, Form::kMovsx32RM16, Form::kMovsx64RM16)
                                         : Form::kMovzx32RM16; break;
        case 4: form = w && d.mem.sign_extend ? Form::kMovsxd64RM32 : Form::kMov32RM; break;
        default: form = Form::kMov64RM; break;
      }
  }
  E(x64::Inst(form, {IsFloat(d.type) ? X : G, m}), {r, VReg(), idx});
}

void Lowerer::LowerStore(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  auto args = f_.Args(i);
  const Type vt = f_.ValueType(args[1]);
  const VReg v = V(args[1]);
  VReg idx;
  const Mem m = Addr(V(args[0]), d.imm32, &idx);
  Form form;
  if (vt == Type::kF32) {
    form = Form::kMovssMR;
  } else if (vt == Type::kF64) {
    form = Form::kMovsdMR;
  } else {
    const int width = d.mem.width ? d.mem.width : (vt == Type::kI64 ? 8 : 4);
    form = width == 1 ? Form::kMov8MR : width == 2 ? Form::kMov16MR
         : width == 4 ? Form::kMov32MR : Form::kMov64MR;
  }
  E(x64::Inst(form, {m, IsFloat(vt) ? X : G}), {VReg(), idx, v});
}

void Lowerer::LowerGlobal(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const VReg cell = NewGpr();
  E(x64::Inst(Form::kMov64RM, {G, Mem(kVmctxReg, kVmGlobals)}), {cell});
  E(x64::Inst(Form::kMov64RM, {G, Mem(G, 8 * static_cast<int32_t>(d.imm32))}), {cell, cell});
  const bool get = d.op == IrOpcode::kGlobalGet;
  const Type t = get ? d.type : f_.ValueType(f_.Args(i)[0]);
  Form form;
  switch (t) {
    case Type::kI32: form = get ? Form::kMov32RM : Form::kMov32MR; break;
    case Type::kI64: form = get ? Form::kMov64RM : Form::kMov64MR; break;
    case Type::kF32: form = get ? Form::kMovssRM : Form::kMovssMR; break;
    default: form = get ? Form::kMovsdRM : Form::kMovsdMR; break;
  }
  const x64::Reg ph = IsFloat(t) ? X : G;
  if (get) {
    E(x64::Inst(form, {ph, Mem(G, 0)}), {V(f_.Result(i)), cell});
  } else {
    E(x64::Inst(form, {Mem(G, 0), ph}), {cell, V(f_.Args(i)[0])});
  }
}

// ---- Calls --------------------------------------------------------------------------

CallConv Lowerer::ConventionOf(ir::Inst i, absl::Span<const ir::Value> args) const {
  absl::InlinedVector<Type, 8> params;
  for (ir::Value a : args) params.push_back(f_.ValueType(a));
  absl::InlinedVector<Type, 4> results;
  for (ir::Value r : f_.Results(i)) results.push_back(f_.ValueType(r));
  return ComputeCallConv(params, results);
}

void Lowerer::EmitCallSequence(ir::Inst i, absl::Span<const ir::Value> args,
                               const x64::Inst& call_inst, VReg funcref) {
  // The calls are lowered in the order Run computed their conventions.
  CallConv computed;
  const CallConv* ccp = nullptr;
  if (next_call_conv_ < call_convs_.size() && call_convs_[next_call_conv_].call == i) {
    ccp = &call_convs_[next_call_conv_++].cc;
  } else {  // (not expected: a safety net)
    computed = ConventionOf(i, args);
    ccp = &computed;
  }
  const CallConv& cc = *ccp;
  // Stack arguments first (they read vregs only), then registers.
  for (size_t k = 0; k < args.size(); ++k) {
    if (cc.params[k].in_reg()) continue;
    const Mem m(x64::kRsp, 8 * static_cast<int32_t>(cc.params[k].stack_slot));
    const Type t = f_.ValueType(args[k]);
    const Form form = t == Type::kF32 ? Form::kMovssMR
                      : t == Type::kF64 ? Form::kMovsdMR : Form::kMov64MR;
    E(x64::Inst(form, {m, IsFloat(t) ? X : G}), {VReg(), V(args[k])});
  }
  x64::RegSet uses;
  for (size_t k = 0; k < args.size(); ++k) {
    if (!cc.params[k].in_reg()) continue;
    const x64::Reg reg = cc.params[k].reg;
    if (IsFloat(f_.ValueType(args[k]))) {
      E(x64::Inst(Form::kMovapsRM, {reg, X}), {VReg(), V(args[k])});
    } else {
      E(x64::Inst(Form::kMov64RM, {reg, G}), {VReg(), V(args[k])});
    }
    uses.Add(reg);
  }
  if (cc.has_results_out) {
    E(x64::Inst(Form::kLea64RM,
                {x64::kRsi, Mem(x64::kRsp, static_cast<int32_t>(results_buffer_offset_))}));
    uses.Add(x64::kRsi);
  }
  if (funcref.valid()) {
    // FuncRef* in rax (the ABI: host trampolines read it), rdi = ref->vmctx.
    E(x64::Inst(Form::kMov64RM, {kFuncRefReg, G}), {VReg(), funcref});
    E(x64::Inst(Form::kMov64RM, {x64::kRdi, Mem(kFuncRefReg, kFuncRefVmctx)}));
    uses.Add(kFuncRefReg);
  } else {
    E(x64::Inst(Form::kMov64RM, {x64::kRdi, kVmctxReg}));
  }
  uses.Add(x64::kRdi);
  MachInst& call = E(call_inst);
  call.extra_uses = uses;
  call.extra_defs = x64::kSysVCallerSaved;
  auto rs = f_.Results(i);
  if (rs.size() == 1) {
    const Type t = f_.ValueType(rs[0]);
    if (IsFloat(t)) {
      E(x64::Inst(Form::kMovapsRM, {X, x64::kXmm0}), {V(rs[0])});
    } else {
      E(x64::Inst(F(t == Type::kI64, Form::kMov32RM, Form::kMov64RM), {G, x64::kRax}), {V(rs[0])});
    }
  } else {
    for (size_t k = 0; k < rs.size(); ++k) {
      const Type t = f_.ValueType(rs[k]);
      const Mem m(x64::kRsp, static_cast<int32_t>(results_buffer_offset_ + 8 * k));
      const Form form = t == Type::kI32 ? Form::kMov32RM : t == Type::kI64 ? Form::kMov64RM
                      : t == Type::kF32 ? Form::kMovssRM : Form::kMovsdRM;
      E(x64::Inst(form, {IsFloat(t) ? X : G, m}), {V(rs[k])});
    }
  }
}

void Lowerer::LowerCall(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  auto args = f_.Args(i);
  const Module& module = ctx_.module;
  if (d.op == IrOpcode::kCall) {
    if (d.imm32 >= module.num_imported_functions) {
      EmitCallSequence(i, args, x64::Inst(Form::kCallRel32, {ctx_.CallTarget(d.imm32, as_)}),
                       VReg());
      return;
    }
    // An import: through its FuncRef.
    const VReg ref = NewGpr();
    E(x64::Inst(Form::kMov64RM, {G, Mem(kVmctxReg, kVmFuncRefs)}), {ref});
    E(x64::Inst(Form::kMov64RM, {G, Mem(G, 8 * static_cast<int32_t>(d.imm32))}), {ref, ref});
    EmitCallSequence(i, args, x64::Inst(Form::kCallM, {Mem(kFuncRefReg, kFuncRefNativeCode)}),
                     ref);
    return;
  }
  // call_indirect type, table, index(args...)
  const VReg index = V(args[0]);
  const VReg view = NewGpr(), ref = NewGpr(), sig = NewGpr();
  E(x64::Inst(Form::kMov64RM, {G, Mem(kVmctxReg, kVmTables)}), {view});
  E(x64::Inst(Form::kMov64RM, {G, Mem(G, 8 * static_cast<int32_t>(d.imm32b))}), {view, view});
  E(x64::Inst(Form::kCmp64RM, {G, Mem(G, kTableViewSize)}), {index, view});
  Jcc(x64::Cond::kAe, TrapLabel(TrapKind::kUndefinedElement));
  E(x64::Inst(Form::kMov64RM, {G, Mem(G, kTableViewElements)}), {view, view});
  E(x64::Inst(Form::kMov64RM, {G, Mem(G, G, 8, 0)}), {ref, view, index});
  E(x64::Inst(Form::kTest64MR, {G, G}), {ref, ref});
  Jcc(x64::Cond::kE, TrapLabel(TrapKind::kIndirectCallToNull));
  E(x64::Inst(Form::kMov64RM, {G, Mem(kVmctxReg, kVmSigIds)}), {sig});
  E(x64::Inst(Form::kMov32RM, {G, Mem(G, 4 * static_cast<int32_t>(d.imm32))}), {sig, sig});
  E(x64::Inst(Form::kCmp32RM, {G, Mem(G, kFuncRefSigId)}), {sig, ref});
  Jcc(x64::Cond::kNe, TrapLabel(TrapKind::kSignatureMismatch));
  EmitCallSequence(i, args.subspan(1),
                   x64::Inst(Form::kCallM, {Mem(kFuncRefReg, kFuncRefNativeCode)}), ref);
}

void Lowerer::LowerBuiltin(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  auto args = f_.Args(i);
  static constexpr x64::Reg kRegs[] = {x64::kRdx, x64::kRcx, x64::kR8, x64::kR9};
  x64::RegSet uses = {x64::kRdi, x64::kRsi};
  for (size_t k = 0; k < args.size() && k < 4; ++k) {
    E(x64::Inst(Form::kMov64RM, {kRegs[k], G}), {VReg(), V(args[k])});
    uses.Add(kRegs[k]);
  }
  E(x64::Inst(Form::kMov64RM, {x64::kRdi, kVmctxReg}));
  E(x64::Inst(Form::kMov32OI, {x64::kRsi, Imm(d.imm32b)}));
  MachInst mov;
  mov.kind = MachInst::Kind::kMovExternal;
  mov.inst = x64::Inst(Form::kMov64OI, {kScratchGpr1, Imm(0)});
  mov.symbol = BuiltinSymbol(d.imm32);
  out_.vcode.Append(cur_, std::move(mov));
  MachInst& call = E(x64::Inst(Form::kCallM, {kScratchGpr1}));
  call.extra_uses = uses;
  call.extra_defs = x64::kSysVCallerSaved;
  auto rs = f_.Results(i);
  if (!rs.empty()) {
    const Type t = f_.ValueType(rs[0]);
    // C++ leaves the upper half of an i32 result undefined: re-zero-extend.
    E(x64::Inst(F(t == Type::kI64, Form::kMov32RM, Form::kMov64RM), {G, x64::kRax}), {V(rs[0])});
  }
}

// ---- Terminators --------------------------------------------------------------------

// The machine block a branch from a block with several successors goes to:
// the target itself, or a new edge block holding the block-argument moves
// (when there are arguments) or nothing (when the edge is critical: the
// target has other predecessors). The register allocator puts its edge moves
// there; the emitter threads jumps through edge blocks that stay empty.
uint32_t Lowerer::EdgeTarget(const ir::BlockCall& call) {
  const uint32_t target = mblock_[call.block.index];
  if (call.args_count == 0 && incoming_edges_[call.block.index] <= 1) return target;
  const uint32_t saved = cur_;
  const uint32_t edge = out_.vcode.NewBlock(as_.NewLabel(), call.block.index, /*edge=*/true);
  cur_ = edge;
  out_.vcode.block(edge).insts.reserve(2);  // a parallel move and a jump
  auto params = f_.block(call.block).params;
  auto args = f_.CallArgs(call);
  for (size_t k = 0; k < args.size(); ++k) moves_.push_back({V(params[k]), V(args[k])});
  AddMoves(edge);
  Jmp(out_.vcode.block(target).label);
  out_.vcode.block(edge).succs.push_back(target);
  cur_ = saved;
  return edge;
}

void Lowerer::LowerTerminator(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  MachBlock* mb = &out_.vcode.block(cur_);
  switch (d.op) {
    case IrOpcode::kJump: {
      const ir::BlockCall& call = f_.Targets(i)[0];
      auto params = f_.block(call.block).params;
      auto args = f_.CallArgs(call);
      for (size_t k = 0; k < args.size(); ++k) moves_.push_back({V(params[k]), V(args[k])});
      AddMoves(cur_);
      const uint32_t target = mblock_[call.block.index];
      Jmp(out_.vcode.block(target).label);
      out_.vcode.block(cur_).succs.push_back(target);
      return;
    }
    case IrOpcode::kBrIf: {
      auto targets = f_.Targets(i);
      const uint32_t then_b = EdgeTarget(targets[0]);
      const uint32_t else_b = EdgeTarget(targets[1]);
      const x64::Label then_l = out_.vcode.block(then_b).label;
      const x64::Label else_l = out_.vcode.block(else_b).label;
      const FlagCond fc = EmitCondition(f_.Args(i)[0]);
      if (fc.parity == FlagCond::Parity::kUnorderedFalse) Jcc(x64::Cond::kP, else_l);
      if (fc.parity == FlagCond::Parity::kUnorderedTrue) Jcc(x64::Cond::kP, then_l);
      Jcc(fc.cond, then_l);
      Jmp(else_l);
      mb = &out_.vcode.block(cur_);
      mb->succs.push_back(then_b);
      mb->succs.push_back(else_b);
      return;
    }
    case IrOpcode::kBrTable: {
      auto targets = f_.Targets(i);
      const size_t n = targets.size() - 1;
      // One edge block per distinct target (br_table targets carry no
      // arguments), shared by its table entries and the default.
      absl::flat_hash_map<uint32_t, uint32_t> edge_of;
      auto target_of = [&](const ir::BlockCall& call) {
        auto it = edge_of.find(call.block.index);
        if (it != edge_of.end()) return it->second;
        const uint32_t t = EdgeTarget(call);
        edge_of[call.block.index] = t;
        return t;
      };
      const uint32_t def_b = target_of(targets[n]);
      const VReg index = V(f_.Args(i)[0]);
      absl::InlinedVector<uint32_t, 2> succs;
      if (n > 0) {
        E(x64::Inst(Form::kCmp32MI, {G, Imm(static_cast<int64_t>(n))}), {index});
        Jcc(x64::Cond::kAe, out_.vcode.block(def_b).label);
        JumpTable jt;
        jt.table = as_.NewLabel();
        for (size_t k = 0; k < n; ++k) {
          const uint32_t t = target_of(targets[k]);
          jt.targets.push_back(out_.vcode.block(t).label);
          if (std::find(succs.begin(), succs.end(), t) == succs.end()) succs.push_back(t);
        }
        // lea base, [rip+table]; movsxd off, [base+index*4]; add base, off; jmp base
        const VReg base = NewGpr(), off = NewGpr();
        E(x64::Inst(Form::kLea64RM, {G, Mem::Rip(jt.table)}), {base});
        E(x64::Inst(Form::kMovsxd64RM32, {G, Mem(G, G, 4, 0)}), {off, base, index});
        E(x64::Inst(Form::kAdd64RM, {G, G}), {base, off});
        E(x64::Inst(Form::kJmpM, {G}), {base});
        out_.vcode.jump_tables().push_back(std::move(jt));
      } else {
        Jmp(out_.vcode.block(def_b).label);
      }
      if (std::find(succs.begin(), succs.end(), def_b) == succs.end()) succs.push_back(def_b);
      out_.vcode.block(cur_).succs = std::move(succs);
      return;
    }
    case IrOpcode::kReturn: {
      auto args = f_.Args(i);
      MachInst ret;
      ret.kind = MachInst::Kind::kRet;
      if (args.size() == 1) {
        const Type t = f_.ValueType(args[0]);
        if (IsFloat(t)) {
          E(x64::Inst(Form::kMovapsRM, {x64::kXmm0, X}), {VReg(), V(args[0])});
          ret.extra_uses.Add(x64::kXmm0);
        } else {
          E(x64::Inst(Form::kMov64RM, {x64::kRax, G}), {VReg(), V(args[0])});
          ret.extra_uses.Add(x64::kRax);
        }
      } else if (args.size() >= 2) {
        for (size_t k = 0; k < args.size(); ++k) {
          const Type t = f_.ValueType(args[k]);
          const Mem m(G, static_cast<int32_t>(8 * k));
          const Form form = t == Type::kF32 ? Form::kMovssMR
                            : t == Type::kF64 ? Form::kMovsdMR : Form::kMov64MR;
          E(x64::Inst(form, {m, IsFloat(t) ? X : G}), {results_out_, V(args[k])});
        }
      }
      out_.vcode.Append(cur_, std::move(ret));
      return;
    }
    case IrOpcode::kTrap: {
      MachInst ud2;
      ud2.inst = x64::Inst(Form::kUd2, {});
      ud2.trap = static_cast<TrapKind>(d.imm32);
      out_.vcode.Append(cur_, std::move(ud2));
      return;
    }
    default:
      return;
  }
}

absl::StatusOr<LoweredFunction> Lower(const ir::Function& f, const ModuleCodegenContext& ctx,
                                      x64::Assembler& as,
                                      absl::Span<const ir::Block> block_order) {
  Lowerer l(f, ctx, as, block_order);
  return l.Run();
}

}  // namespace wasm::codegen
