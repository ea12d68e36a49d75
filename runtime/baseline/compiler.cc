// The baseline compiler's driver: the operand stack and its registers, the
// frame, control flow, calls and locals. See compiler.h for the model.
#include "runtime/baseline/compiler.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "runtime/baseline/baseline.h"
#include "runtime/errors.h"
#include "runtime/ir/builtins.h"
#include "runtime/status_macros.h"

namespace wasm::baseline {

Type TypeOf(ValType t) {
  switch (t) {
    case ValType::kI32: return Type::kI32;
    case ValType::kF32: return Type::kF32;
    case ValType::kF64: return Type::kF64;
    default: return Type::kI64;  // i64, funcref, externref
  }
}

namespace {

constexpr uint32_t kGprMask = (1u << x64::kRax.enc()) | (1u << x64::kRcx.enc()) |
                              (1u << x64::kRdx.enc()) | (1u << x64::kRsi.enc()) |
                              (1u << x64::kRdi.enc()) | (1u << x64::kR8.enc()) |
                              (1u << x64::kR9.enc());
constexpr uint32_t kXmmMask = (1u << 14) - 1;  // xmm0..xmm13

Form LoadForm(Type t) {
  switch (t) {
    case Type::kI32: return Form::kMov32RM;
    case Type::kF32: return Form::kMovssRM;
    case Type::kF64: return Form::kMovsdRM;
    default: return Form::kMov64RM;
  }
}

Form StoreForm(Type t) {
  switch (t) {
    case Type::kI32: return Form::kMov32MR;
    case Type::kF32: return Form::kMovssMR;
    case Type::kF64: return Form::kMovsdMR;
    default: return Form::kMov64MR;
  }
}

bool FitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

}  // namespace

Compiler::Compiler(const Module& m, uint32_t defined_index)
    : m_(m),
      func_index_(m.num_imported_functions + defined_index),
      body_(m.bodies[defined_index]),
      type_(m.FunctionType(func_index_)) {}

// ---- Registers and the operand stack --------------------------------------------

void Compiler::NewMaxDepth() {
  max_depth_ = static_cast<uint32_t>(stack_.size());
  if (max_depth_ > kMaxDepth && error_.ok()) {
    error_ = absl::ResourceExhaustedError(
        absl::StrCat("baseline: operand stack deeper than ", kMaxDepth));
  }
}

Reg Compiler::AllocReg(RegClass cls) {
  uint32_t& f = free_[Idx(cls)];
  if (f == 0) {
    // The lowest entry of the class in a register goes to its slot.
    int32_t lowest = -1;
    for (int32_t i : owner_[Idx(cls)]) {
      if (i >= 0 && (lowest < 0 || i < lowest)) lowest = i;
    }
    if (lowest >= 0) SpillEntry(static_cast<size_t>(lowest));
    if (f == 0) {  // every register held by popped operands: cannot happen
      if (error_.ok()) error_ = absl::InternalError("baseline: out of registers");
      return cls == RegClass::kGpr ? codegen::kScratchGpr0 : codegen::kScratchXmm0;
    }
  }
  const int enc = __builtin_ctz(f);
  f &= f - 1;
  return cls == RegClass::kGpr ? Reg::Gpr(enc) : Reg::Xmm(enc);
}

void Compiler::TakeReg(Reg r) {
  if (!IsFree(r)) {
    const int32_t i = owner_[Idx(r.cls())][r.enc()];
    if (i < 0) {
      if (error_.ok()) {
        error_ = absl::InternalError("baseline: a fixed register is held by a popped operand");
      }
    } else if (free_[Idx(r.cls())] != 0) {  // move the entry to another free register
      const Reg to = AllocReg(r.cls());
      Mov(to, r);
      stack_[i].reg = to;
      owner_[Idx(r.cls())][r.enc()] = -1;
      owner_[Idx(to.cls())][to.enc()] = i;
    } else {
      SpillEntry(static_cast<size_t>(i));
    }
  }
  free_[Idx(r.cls())] &= ~(1u << r.enc());
}

void Compiler::SpillEntry(size_t i) {
  Value& v = stack_[i];
  StoreValue(SlotMem(i), v);
  FreeReg(v.reg);
  owner_[Idx(v.reg.cls())][v.reg.enc()] = -1;
  v.loc = Value::Loc::kStack;
  v.slot = static_cast<uint32_t>(i);
}

void Compiler::SpillAll() {
  // In stack order (the code is the same as a walk over the stack's).
  int32_t held[32];
  int n = 0;
  for (const auto& cls : owner_) {
    for (int32_t i : cls) {
      if (i >= 0) held[n++] = i;
    }
  }
  std::sort(held, held + n);
  for (int k = 0; k < n; ++k) SpillEntry(static_cast<size_t>(held[k]));
}

void Compiler::DropTo(size_t height) {
  while (stack_.size() > height) FreeIfReg(Pop());
}

void Compiler::LoadValue(Reg dst, const Value& v) {
  switch (v.loc) {
    case Value::Loc::kReg:
      Mov(dst, v.reg);
      return;
    case Value::Loc::kStack:
      E(LoadForm(v.type), dst, SlotMem(v.slot));
      return;
    case Value::Loc::kConst:
      if (dst.is_gpr()) {
        MovImm(dst, v.type == Type::kI32 ? (v.bits & 0xffffffffu) : v.bits);
      } else if (v.bits == 0) {
        E(Form::kXorpsRM, dst, dst);
      } else if (v.type == Type::kF32) {
        E(Form::kMovssRM, dst, Mem::Rip(as_.Constant32(static_cast<uint32_t>(v.bits))));
      } else {
        E(Form::kMovsdRM, dst, Mem::Rip(as_.Constant64(v.bits)));
      }
      return;
  }
}

void Compiler::StoreValue(const Mem& slot, const Value& v) {
  switch (v.loc) {
    case Value::Loc::kReg:
      E(StoreForm(v.type), slot, v.reg);
      return;
    case Value::Loc::kStack:
      as_.MovLoad(RegClass::kGpr, codegen::kScratchGpr1, x64::kRbp, SlotMem(v.slot).disp());
      as_.MovStore(RegClass::kGpr, x64::kRbp, slot.disp(), codegen::kScratchGpr1);
      return;
    case Value::Loc::kConst:
      if (v.type == Type::kI32 || v.type == Type::kF32) {
        E(Form::kMov32MI, slot, Imm(static_cast<int32_t>(static_cast<uint32_t>(v.bits))));
      } else if (FitsInt32(static_cast<int64_t>(v.bits))) {
        E(Form::kMov64MI, slot, Imm(static_cast<int64_t>(v.bits)));
      } else {
        MovImm(codegen::kScratchGpr1, v.bits);
        E(Form::kMov64MR, slot, codegen::kScratchGpr1);
      }
      return;
  }
}

bool Compiler::AsRegOrMem(const Value& v, Reg* reg, Mem* mem) const {
  if (v.in_reg()) {
    *reg = v.reg;
    return true;
  }
  if (v.in_slot()) {
    *reg = Reg();
    *mem = SlotMem(v.slot);
    return true;
  }
  return false;
}

Reg Compiler::ToReg(const Value& v) {
  if (v.in_reg()) return v.reg;
  const Reg r = AllocReg(ClassOf(v.type));
  LoadValue(r, v);
  return r;
}

Reg Compiler::PopToReg() { return ToReg(Pop()); }

void Compiler::Plain(Form form, std::initializer_list<Reg> regs, const Mem* mem, int mem_at,
                     int64_t imm) {
  const x64::FormInfo& info = x64::GetFormInfo(form);
  auto reg_at = [&](int k) { return k >= 0 && k < static_cast<int>(regs.size()) ? regs.begin()[k] : Reg(); };
  if (info.plain && (mem == nullptr || !mem->is_rip())) {
    const Mem* rm_mem = info.rm.operand >= 0 && info.rm.operand == mem_at ? mem : nullptr;
    const Reg rm_reg = rm_mem == nullptr ? reg_at(info.rm.operand) : Reg();
    if (as_.EmitPlain(info, reg_at(info.reg.operand), rm_reg, rm_mem, imm)) return;
  }
  // The general path (and its error, should the operands not fit).
  std::array<x64::Operand, x64::kMaxOperands> ops;
  int n = 0;
  for (int k = 0; k < static_cast<int>(x64::kMaxOperands); ++k) {
    if (k == mem_at) {
      ops[k] = *mem;
    } else if (reg_at(k).is_valid()) {
      ops[k] = reg_at(k);
    } else if (info.imm.operand == k) {
      ops[k] = Imm(imm);
    } else {
      continue;
    }
    n = k + 1;
  }
  switch (n) {
    case 0: as_.Emit(x64::Inst(form, {})); return;
    case 1: as_.Emit(x64::Inst(form, {ops[0]})); return;
    case 2: as_.Emit(x64::Inst(form, {ops[0], ops[1]})); return;
    default: as_.Emit(x64::Inst(form, {ops[0], ops[1], ops[2]})); return;
  }
}

void Compiler::EmitRI(Form f32bit, Form f8bit, Reg r, int64_t imm) {
  if (imm >= -128 && imm <= 127) {
    E(f8bit, r, Imm(imm));
  } else {
    E(f32bit, r, Imm(imm));
  }
}

x64::Label Compiler::TrapLabel(TrapKind kind) {
  const size_t k = static_cast<size_t>(kind);
  if (trap_labels_.size() <= k) trap_labels_.resize(k + 1);
  x64::Label& l = trap_labels_[k];
  if (!l.is_valid()) {
    l = as_.NewLabel();
    trap_stubs_.emplace_back(kind, l);
  }
  return l;
}

// ---- Conditions -------------------------------------------------------------------

void Compiler::SetCond(Reg r, const PendingCond& pc) {
  E(Form::kSetccM8, pc.cond, r);
  E(Form::kMovzx32RM8, r, r);
  if (pc.parity == PendingCond::Parity::kNone) return;
  // Float eq: also require "ordered" (np); ne: also accept "unordered" (p).
  const bool eq = pc.parity == PendingCond::Parity::kUnorderedFalse;
  const Reg t = codegen::kScratchGpr1;
  E(Form::kSetccM8, eq ? Cond::kNp : Cond::kP, t);
  E(Form::kMovzx32RM8, t, t);
  E(eq ? Form::kAnd32RM : Form::kOr32RM, r, t);
}

void Compiler::JumpOn(const PendingCond& pc, bool when_true, x64::Label target) {
  using P = PendingCond::Parity;
  if (when_true) {
    switch (pc.parity) {
      case P::kNone: as_.J(pc.cond, target); return;
      case P::kUnorderedTrue:
        as_.J(Cond::kP, target);
        as_.J(pc.cond, target);
        return;
      case P::kUnorderedFalse: {
        const x64::Label skip = as_.NewLabel();
        as_.J(Cond::kP, skip);
        as_.J(pc.cond, target);
        as_.Bind(skip);
        return;
      }
    }
  }
  switch (pc.parity) {
    case P::kNone: as_.J(x64::Negate(pc.cond), target); return;
    case P::kUnorderedFalse:
      as_.J(Cond::kP, target);
      as_.J(x64::Negate(pc.cond), target);
      return;
    case P::kUnorderedTrue: {
      const x64::Label skip = as_.NewLabel();
      as_.J(Cond::kP, skip);
      as_.J(x64::Negate(pc.cond), target);
      as_.Bind(skip);
      return;
    }
  }
}

bool Compiler::NextBranchesOnFlags() const {
  const uint8_t next = *reader_->position();
  return next == static_cast<uint8_t>(Opcode::kBrIf) || next == static_cast<uint8_t>(Opcode::kIf) ||
         next == static_cast<uint8_t>(Opcode::kSelect) ||
         next == static_cast<uint8_t>(Opcode::kSelectT);
}

void Compiler::FinishCompare(const PendingCond& pc, Reg r) {
  if (NextBranchesOnFlags()) {
    if (r.is_valid()) FreeReg(r);
    pending_ = pc;
    pending_.valid = true;
    return;
  }
  if (!r.is_valid()) r = AllocReg(RegClass::kGpr);  // (stores only: the flags stay)
  SetCond(r, pc);
  PushReg(Type::kI32, r);
}

// The condition a br_if / if / select consumes: the pending compare, or the
// i32 on the stack top tested against zero.
static PendingCond TakeCondition(Compiler& c, PendingCond& pending) {
  if (pending.valid) {
    const PendingCond pc = pending;
    pending.valid = false;
    return pc;
  }
  const Reg r = c.PopToReg();
  c.E(Form::kTest32MR, r, r);
  c.FreeReg(r);
  return PendingCond{true, Cond::kNe, PendingCond::Parity::kNone};
}

// ---- Frame --------------------------------------------------------------------------

void Compiler::Prologue() {
  E(Form::kPush64O, x64::kRbp);
  E(Form::kMov64RM, x64::kRbp, x64::kRsp);
  E(Form::kPush64O, codegen::kVmctxReg);
  E(Form::kPush64O, codegen::kMemBaseReg);
  E(Form::kMov64RM, codegen::kVmctxReg, x64::kRdi);
  E(Form::kSub64MI, x64::kRsp, Imm(0));  // the frame size, patched at the end
  frame_imm_at_ = as_.FixedSize() - 4;
  E(Form::kCmp64RM, x64::kRsp, Mem(codegen::kVmctxReg, codegen::kVmStackLimit));
  as_.J(Cond::kB, TrapLabel(TrapKind::kCallStackExhausted));
  E(Form::kMov64RM, codegen::kMemBaseReg, Mem(codegen::kVmctxReg, codegen::kVmMemoryBase));
  // Parameters to their local slots.
  absl::InlinedVector<Type, 8> params, results;
  for (ValType t : type_.params) params.push_back(TypeOf(t));
  for (ValType t : type_.results) results.push_back(TypeOf(t));
  const codegen::CallConv cc = codegen::ComputeCallConv(params, results);
  for (uint32_t k = 0; k < params.size(); ++k) {
    const codegen::ArgLoc& loc = cc.params[k];
    if (loc.in_reg()) {
      E(StoreForm(params[k]), LocalMem(k), loc.reg);
    } else {
      as_.MovLoad(RegClass::kGpr, codegen::kScratchGpr1, x64::kRbp,
                  16 + 8 * static_cast<int32_t>(loc.stack_slot));
      as_.MovStore(RegClass::kGpr, x64::kRbp, LocalMem(k).disp(), codegen::kScratchGpr1);
    }
  }
  if (cc.has_results_out) {
    as_.MovStore(RegClass::kGpr, x64::kRbp, results_out_disp_, x64::kRsi);
  }
  // Declared locals start at zero: a store each, or a loop for many (their
  // slots are contiguous, the last lowest; rax and rcx are free here).
  const uint32_t first = static_cast<uint32_t>(params.size());
  const uint32_t count = static_cast<uint32_t>(local_types_.size()) - first;
  if (count > 0 && count <= 8) {
    E(Form::kXor32RM, codegen::kScratchGpr1, codegen::kScratchGpr1);
    for (uint32_t i = first; i < local_types_.size(); ++i) {
      as_.MovStore(RegClass::kGpr, x64::kRbp, LocalMem(i).disp(), codegen::kScratchGpr1);
    }
  } else if (count > 8) {
    // for (rcx = count; rcx != 0; --rcx) [rbp + rcx*8 + lowest - 8] = 0
    const int32_t lowest = LocalMem(static_cast<uint32_t>(local_types_.size()) - 1).disp();
    E(Form::kXor32RM, x64::kRax, x64::kRax);
    MovImm(x64::kRcx, count);
    const x64::Label loop = as_.NewLabel();
    as_.Bind(loop);
    E(Form::kMov64MR, Mem(x64::kRbp, x64::kRcx, 8, lowest - 8), x64::kRax);
    E(Form::kSub32MI8, x64::kRcx, Imm(1));
    as_.J(Cond::kNe, loop);
  }
}

void Compiler::Epilogue() {
  E(Form::kLea64RM, x64::kRsp, Mem(x64::kRbp, -16));
  E(Form::kPop64O, codegen::kMemBaseReg);
  E(Form::kPop64O, codegen::kVmctxReg);
  E(Form::kPop64O, x64::kRbp);
  E(Form::kRet);
}

void Compiler::Return() {
  const size_t n = type_.results.size();
  const size_t base = stack_.size() - n;
  if (n == 1) {
    const Value& v = stack_[base];
    LoadValue(IsFloatType(v.type) ? x64::kXmm0 : x64::kRax, v);
  } else if (n >= 2) {
    const Reg out = codegen::kScratchGpr1;
    as_.MovLoad(RegClass::kGpr, out, x64::kRbp, results_out_disp_);
    for (size_t k = 0; k < n; ++k) {
      const Value& v = stack_[base + k];
      const Mem m(out, static_cast<int32_t>(8 * k));
      if (IsFloatType(v.type)) {
        Reg r = v.in_reg() ? v.reg : codegen::kScratchXmm0;
        if (!v.in_reg()) LoadValue(r, v);
        E(StoreForm(v.type), m, r);
      } else {
        Reg r = v.in_reg() ? v.reg : codegen::kScratchGpr0;
        if (!v.in_reg()) LoadValue(r, v);  // (i32: zero-extended)
        E(Form::kMov64MR, m, r);
      }
    }
  }
  as_.Jmp(epilogue_);
}

// ---- Driver -------------------------------------------------------------------------

absl::StatusOr<codegen::FunctionCode> Compiler::Run() {
  for (ValType t : type_.params) local_types_.push_back(TypeOf(t));
  for (const LocalDecl& d : body_.locals) local_types_.insert(local_types_.end(), d.count, TypeOf(d.type));
  const uint32_t num_locals = static_cast<uint32_t>(local_types_.size());
  // Below rbp: saved r14, r15; the locals; the results_out pointer; the slots.
  results_out_disp_ = -static_cast<int32_t>(16 + 8 * (num_locals + 1));
  stack_base_ = 16 + 8 * (num_locals + 1);
  free_[0] = kGprMask;
  free_[1] = kXmmMask;
  for (auto& cls : owner_) std::fill(std::begin(cls), std::end(cls), -1);
  epilogue_ = as_.NewLabel();
  stack_.reserve(64);
  controls_.reserve(16);
  Prologue();

  Control fn;
  fn.is_function = true;
  fn.results = type_.results;
  fn.label = epilogue_;
  controls_.push_back(fn);
  BodyReader reader(m_.bytes.data(), body_.code_offset, &br_targets_);
  reader_ = &reader;
  Instruction in;
  while (!controls_.empty()) {
    reader.Next(&in);
    if (reachable_) {
      if (!Step(in)) {
        if (error_.ok()) {
          error_ = absl::UnimplementedError(
              absl::StrCat("baseline: no code for ", OpcodeName(in.op), " at offset ", in.offset));
        }
        return error_;
      }
    } else {
      StepUnreachable(in);
    }
    if (!error_.ok()) return error_;
  }
  as_.Bind(epilogue_);
  Epilogue();
  for (const auto& [kind, label] : trap_stubs_) {
    as_.Bind(label);
    as_.RecordTrap(kind);
    E(Form::kUd2);
  }
  // The frame: locals, results_out, the deepest stack; a multiple of 16
  // (rsp is 16-aligned after the three pushes).
  const uint64_t bytes = uint64_t{stack_base_} - 16 + 8 * uint64_t{max_depth_};
  const uint64_t frame = (bytes + 15) & ~uint64_t{15};
  if (frame > (1u << 30)) return absl::ResourceExhaustedError("baseline: frame too large");
  as_.PatchInt32(frame_imm_at_, static_cast<int32_t>(frame));
  codegen::FunctionCode out;
  ASSIGN_OR_RETURN(out.code, as_.Finish());
  out.entry = 0;
  return out;
}

void Compiler::StepUnreachable(const Instruction& in) {
  switch (in.op) {
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf: {
      Control c;
      c.kind = in.op;
      c.dead = true;
      controls_.push_back(c);
      return;
    }
    case Opcode::kElse:
      if (!controls_.back().dead) Else();
      return;
    case Opcode::kEnd:
      End();
      return;
    default:
      return;
  }
}

bool Compiler::Step(const Instruction& in) {
  switch (in.op) {
    case Opcode::kLocalGet: LocalGet(in.index); return true;
    case Opcode::kLocalSet: LocalSet(in.index, false); return true;
    case Opcode::kLocalTee: LocalSet(in.index, true); return true;
    case Opcode::kI32Const: PushConst(Type::kI32, in.bits & 0xffffffffu); return true;
    case Opcode::kI64Const: PushConst(Type::kI64, in.bits); return true;
    case Opcode::kF32Const: PushConst(Type::kF32, in.bits & 0xffffffffu); return true;
    case Opcode::kF64Const: PushConst(Type::kF64, in.bits); return true;
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf: OpenBlock(in); return true;
    case Opcode::kElse: Else(); return true;
    case Opcode::kEnd: End(); return true;
    case Opcode::kBr: Branch(in.index); return true;
    case Opcode::kBrIf: BranchIf(in.index); return true;
    case Opcode::kBrTable: BrTable(in); return true;
    case Opcode::kReturn:
      Return();
      reachable_ = false;
      return true;
    case Opcode::kUnreachable:
      as_.RecordTrap(TrapKind::kUnreachable);
      E(Form::kUd2);
      reachable_ = false;
      return true;
    case Opcode::kNop: return true;
    case Opcode::kDrop: FreeIfReg(Pop()); return true;
    case Opcode::kSelect:
    case Opcode::kSelectT: Select(); return true;
    case Opcode::kCall: Call(in.index); return true;
    case Opcode::kCallIndirect: CallIndirect(in.index, in.index2); return true;
    case Opcode::kGlobalGet: GlobalGet(in.index); return true;
    case Opcode::kGlobalSet: GlobalSet(in.index); return true;
    case Opcode::kRefNull: PushConst(Type::kI64, 0); return true;
    case Opcode::kRefIsNull: {
      const Reg r = PopToReg();
      E(Form::kTest64MR, r, r);
      FinishCompare(PendingCond{true, Cond::kE}, r);
      return true;
    }
    default:
      break;
  }
  using ir::Builtin;
  auto builtin = [&](Builtin id, uint32_t index, size_t args, bool has_result, Type t) {
    CallBuiltin(static_cast<uint32_t>(id), index, args, has_result, t);
    return true;
  };
  switch (in.op) {
    case Opcode::kRefFunc: return builtin(Builtin::kRefFunc, in.index, 0, true, Type::kI64);
    case Opcode::kTableGet: return builtin(Builtin::kTableGet, in.index, 1, true, Type::kI64);
    case Opcode::kTableSet: return builtin(Builtin::kTableSet, in.index, 2, false, Type::kI32);
    case Opcode::kTableSize: return builtin(Builtin::kTableSize, in.index, 0, true, Type::kI32);
    case Opcode::kTableGrow: return builtin(Builtin::kTableGrow, in.index, 2, true, Type::kI32);
    case Opcode::kTableFill: return builtin(Builtin::kTableFill, in.index, 3, false, Type::kI32);
    case Opcode::kTableCopy:  // #dst table; arguments (d, s, n, src table)
      PushConst(Type::kI32, in.index2);
      return builtin(Builtin::kTableCopy, in.index, 4, false, Type::kI32);
    case Opcode::kTableInit:  // #elem segment; arguments (d, s, n, table)
      PushConst(Type::kI32, in.index2);
      return builtin(Builtin::kTableInit, in.index, 4, false, Type::kI32);
    case Opcode::kElemDrop: return builtin(Builtin::kElemDrop, in.index, 0, false, Type::kI32);
    case Opcode::kMemorySize: return builtin(Builtin::kMemorySize, 0, 0, true, Type::kI32);
    case Opcode::kMemoryGrow: return builtin(Builtin::kMemoryGrow, 0, 1, true, Type::kI32);
    case Opcode::kMemoryInit: return builtin(Builtin::kMemoryInit, in.index, 3, false, Type::kI32);
    case Opcode::kDataDrop: return builtin(Builtin::kDataDrop, in.index, 0, false, Type::kI32);
    case Opcode::kMemoryCopy: return builtin(Builtin::kMemoryCopy, 0, 3, false, Type::kI32);
    case Opcode::kMemoryFill: return builtin(Builtin::kMemoryFill, 0, 3, false, Type::kI32);
    default:
      break;
  }
  if (IntOp(in)) return true;
  return FloatOp(in);
}

// ---- Control --------------------------------------------------------------------------

void Compiler::OpenBlock(const Instruction& in) {
  Control c;
  c.kind = in.op;
  c.params = BlockTypeParams(m_, in.block);
  c.results = BlockTypeResults(m_, in.block);
  PendingCond cond;
  if (in.op == Opcode::kIf) cond = TakeCondition(*this, pending_);
  // Nothing in registers at the block's labels (compiler.h).
  SpillAll();
  c.height = static_cast<uint32_t>(stack_.size() - c.params.size());
  // The parameters in their slots too: where a loop's back edges and an
  // else branch expect them (constants included).
  for (size_t i = c.height; i < stack_.size(); ++i) {
    Value& v = stack_[i];
    if (!v.is_const()) continue;
    StoreValue(SlotMem(i), v);
    v.loc = Value::Loc::kStack;
    v.slot = static_cast<uint32_t>(i);
  }
  c.label = as_.NewLabel();
  if (in.op == Opcode::kLoop) as_.Bind(c.label);
  if (in.op == Opcode::kIf) {
    c.else_label = as_.NewLabel();
    JumpOn(cond, false, c.else_label);
  }
  controls_.push_back(c);
}

void Compiler::Else() {
  Control& c = controls_.back();
  if (reachable_) {
    StoreLabelValues(c.height, c.results.size());
    as_.Jmp(c.label);
    c.label_used = true;
  }
  // The else branch starts as the then branch did: the parameters in their
  // slots (the then branch may have overwritten them only on its own path).
  DropTo(c.height);
  for (ValType t : c.params) PushSlot(TypeOf(t));
  as_.Bind(c.else_label);
  c.kind = Opcode::kElse;
  reachable_ = true;
}

void Compiler::End() {
  const Control c = controls_.back();
  controls_.pop_back();
  if (c.dead) return;
  if (c.is_function) {
    if (reachable_) Return();
    return;
  }
  const size_t nr = c.results.size();
  const bool merge = c.kind != Opcode::kLoop && (c.label_used || c.kind == Opcode::kIf);
  if (!merge) {
    // Reached only by falling through (or not at all): the values stay
    // where they are.
    if (!reachable_) {
      DropTo(c.height);
      for (ValType t : c.results) PushSlot(TypeOf(t));
    }
    return;
  }
  if (reachable_) StoreLabelValues(c.height, nr);
  if (c.kind == Opcode::kIf) {
    // No else: its branch passes the parameters (= the results) on, and
    // they are in their slots already.
    if (reachable_) as_.Jmp(c.label);
    as_.Bind(c.else_label);
  }
  as_.Bind(c.label);
  DropTo(c.height);
  for (ValType t : c.results) PushSlot(TypeOf(t));
  reachable_ = true;
}

bool Compiler::NeedsLabelStores(uint32_t height, size_t n) const {
  const size_t base = stack_.size() - n;
  for (size_t i = 0; i < n; ++i) {
    const Value& v = stack_[base + i];
    if (!v.in_slot() || v.slot != height + i) return true;
  }
  return false;
}

void Compiler::StoreLabelValues(uint32_t height, size_t n) {
  // Slot height+i <= the value's own depth: in increasing order no store
  // overwrites a value still to be moved.
  const size_t base = stack_.size() - n;
  for (size_t i = 0; i < n; ++i) {
    const Value& v = stack_[base + i];
    if (v.in_slot() && v.slot == height + i) continue;
    StoreValue(SlotMem(height + i), v);
  }
}

void Compiler::JumpTo(Control& t) {
  if (t.is_function) {
    Return();
    return;
  }
  StoreLabelValues(t.height, t.LabelArity());
  as_.Jmp(t.label);
  t.label_used = true;
}

void Compiler::Branch(uint32_t depth) {
  JumpTo(controls_[controls_.size() - 1 - depth]);
  reachable_ = false;
}

void Compiler::BranchIf(uint32_t depth) {
  const PendingCond pc = TakeCondition(*this, pending_);
  Control& t = controls_[controls_.size() - 1 - depth];
  if (!t.is_function && !NeedsLabelStores(t.height, t.LabelArity())) {
    JumpOn(pc, true, t.label);
    t.label_used = true;
    return;
  }
  const x64::Label skip = as_.NewLabel();
  JumpOn(pc, false, skip);
  JumpTo(t);
  as_.Bind(skip);
}

void Compiler::BrTable(const Instruction& in) {
  const Reg index = PopToReg();
  const absl::Span<const uint32_t> depths = in.targets;
  const size_t n = depths.size() - 1;
  // Per distinct depth: where its entries jump (the label itself, or a stub
  // that moves the label's values first).
  absl::flat_hash_map<uint32_t, x64::Label> dest;
  absl::InlinedVector<std::pair<uint32_t, x64::Label>, 8> stubs;
  auto dest_of = [&](uint32_t depth) {
    if (auto it = dest.find(depth); it != dest.end()) return it->second;
    Control& t = controls_[controls_.size() - 1 - depth];
    x64::Label l;
    if (!t.is_function && !NeedsLabelStores(t.height, t.LabelArity())) {
      l = t.label;
      t.label_used = true;
    } else {
      l = as_.NewLabel();
      stubs.push_back({depth, l});
    }
    dest.emplace(depth, l);
    return l;
  };
  const x64::Label def = dest_of(depths[n]);
  if (n > 0) {
    const x64::Label table = as_.NewLabel();
    EmitRI(Form::kCmp32MI, Form::kCmp32MI8, index, static_cast<int64_t>(std::min<size_t>(n, INT32_MAX)));
    as_.J(Cond::kAe, def);
    const Reg base = codegen::kScratchGpr1, off = codegen::kScratchGpr0;
    E(Form::kLea64RM, base, Mem::Rip(table));
    E(Form::kMovsxd64RM32, off, Mem(base, index, 4, 0));
    E(Form::kAdd64RM, base, off);
    E(Form::kJmpM, base);
    FreeReg(index);
    absl::InlinedVector<x64::Label, 16> entries;
    for (size_t k = 0; k < n; ++k) entries.push_back(dest_of(depths[k]));
    for (const auto& [d, l] : stubs) {
      as_.Bind(l);
      Branch(d);
    }
    as_.Align(4);
    as_.Bind(table);
    for (x64::Label l : entries) as_.JumpTableEntry(l, table);
  } else {
    FreeReg(index);
    as_.Jmp(def);
    for (const auto& [d, l] : stubs) {
      as_.Bind(l);
      Branch(d);
    }
  }
  reachable_ = false;
}

// ---- Calls ----------------------------------------------------------------------------

void Compiler::Call(uint32_t func_index) {
  const FuncType& t = m_.FunctionType(func_index);
  // Through the callee's FuncRef (abi.h: FuncRef* in rax), imports and
  // defined functions alike: a tier-up (jit/compiled_module.h) installs the
  // optimised code of defined functions in their FuncRefs, and this code's
  // calls then reach it.
  SpillAll();
  E(Form::kMov64RM, codegen::kFuncRefReg, Mem(codegen::kVmctxReg, codegen::kVmFuncRefs));
  E(Form::kMov64RM, codegen::kFuncRefReg,
    Mem(codegen::kFuncRefReg, 8 * static_cast<int32_t>(func_index)));
  EmitCall(t);
}

void Compiler::CallIndirect(uint32_t type_index, uint32_t table_index) {
  const Value iv = Pop();
  SpillAll();
  const Reg index = ToReg(iv);
  const Reg view = codegen::kScratchGpr1;
  const Reg ref = codegen::kFuncRefReg;
  E(Form::kMov64RM, view, Mem(codegen::kVmctxReg, codegen::kVmTables));
  E(Form::kMov64RM, view, Mem(view, 8 * static_cast<int32_t>(table_index)));
  E(Form::kCmp64RM, index, Mem(view, codegen::kTableViewSize));
  as_.J(Cond::kAe, TrapLabel(TrapKind::kUndefinedElement));
  E(Form::kMov64RM, view, Mem(view, codegen::kTableViewElements));
  E(Form::kMov64RM, ref, Mem(view, index, 8, 0));
  E(Form::kTest64MR, ref, ref);
  as_.J(Cond::kE, TrapLabel(TrapKind::kIndirectCallToNull));
  E(Form::kMov64RM, view, Mem(codegen::kVmctxReg, codegen::kVmSigIds));
  E(Form::kMov32RM, view, Mem(view, 4 * static_cast<int32_t>(type_index)));
  E(Form::kCmp32RM, view, Mem(ref, codegen::kFuncRefSigId));
  as_.J(Cond::kNe, TrapLabel(TrapKind::kSignatureMismatch));
  FreeReg(index);
  EmitCall(m_.types[type_index]);
}

const codegen::CallConv& Compiler::ConventionOf(const FuncType& type) {
  auto [it, inserted] = call_convs_.try_emplace(&type);
  if (inserted) {
    absl::InlinedVector<Type, 8> params, results;
    for (ValType t : type.params) params.push_back(TypeOf(t));
    for (ValType t : type.results) results.push_back(TypeOf(t));
    it->second = codegen::ComputeCallConv(params, results);
  }
  return it->second;
}

void Compiler::EmitCall(const FuncType& type) {
  SpillAll();
  const codegen::CallConv& cc = ConventionOf(type);
  absl::InlinedVector<Type, 4> results;
  for (ValType t : type.results) results.push_back(TypeOf(t));
  const size_t n = type.params.size();
  const size_t base = stack_.size() - n;
  const int32_t stack_bytes = 8 * static_cast<int32_t>(cc.stack_slots);
  const int32_t result_bytes = results.size() >= 2 ? 8 * static_cast<int32_t>(results.size()) : 0;
  const int32_t extra = (stack_bytes + result_bytes + 15) & ~15;
  if (extra > 0) EmitRI(Form::kSub64MI, Form::kSub64MI8, x64::kRsp, extra);
  for (size_t k = 0; k < n; ++k) {
    const Value& v = stack_[base + k];
    const codegen::ArgLoc& loc = cc.params[k];  // (cc stays valid: nothing is added meanwhile)
    if (loc.in_reg()) {
      LoadValue(loc.reg, v);
      continue;
    }
    const Mem m(x64::kRsp, 8 * static_cast<int32_t>(loc.stack_slot));
    const Reg t = IsFloatType(v.type) ? codegen::kScratchXmm0 : codegen::kScratchGpr1;
    LoadValue(t, v);
    E(IsFloatType(v.type) ? StoreForm(v.type) : Form::kMov64MR, m, t);
  }
  if (result_bytes > 0) E(Form::kLea64RM, x64::kRsi, Mem(x64::kRsp, stack_bytes));
  E(Form::kMov64RM, x64::kRdi, Mem(codegen::kFuncRefReg, codegen::kFuncRefVmctx));
  E(Form::kCallM, Mem(codegen::kFuncRefReg, codegen::kFuncRefNativeCode));
  DropTo(base);
  if (results.size() == 1) {
    const Reg r = IsFloatType(results[0]) ? x64::kXmm0 : x64::kRax;
    TakeReg(r);
    if (results[0] == Type::kI32) E(Form::kMov32RM, r, r);  // (hosts may leave the top half)
    PushReg(results[0], r);
  } else {
    for (size_t k = 0; k < results.size(); ++k) {
      const Reg r = AllocReg(ClassOf(results[k]));
      E(LoadForm(results[k]), r, Mem(x64::kRsp, stack_bytes + 8 * static_cast<int32_t>(k)));
      PushReg(results[k], r);
    }
  }
  if (extra > 0) EmitRI(Form::kAdd64MI, Form::kAdd64MI8, x64::kRsp, extra);
}

void Compiler::CallBuiltin(uint32_t id, uint32_t index, size_t num_args, bool has_result,
                           Type result) {
  static constexpr Reg kArgRegs[] = {x64::kRdx, x64::kRcx, x64::kR8, x64::kR9};
  SpillAll();
  const size_t base = stack_.size() - num_args;
  for (size_t k = 0; k < num_args; ++k) LoadValue(kArgRegs[k], stack_[base + k]);
  DropTo(base);
  E(Form::kMov64RM, x64::kRdi, codegen::kVmctxReg);
  MovImm(x64::kRsi, index);
  as_.MovExternalAddress(codegen::kScratchGpr1, x64::ExternalSymbol(codegen::BuiltinSymbol(id)));
  E(Form::kCallM, codegen::kScratchGpr1);
  if (has_result) {
    TakeReg(x64::kRax);
    // C++ leaves the upper half of an i32 result undefined: re-zero-extend.
    if (result == Type::kI32) E(Form::kMov32RM, x64::kRax, x64::kRax);
    PushReg(result, x64::kRax);
  }
}

// ---- Locals and select --------------------------------------------------------------

void Compiler::LocalGet(uint32_t i) {
  const Type t = local_types_[i];
  const Reg r = AllocReg(ClassOf(t));
  E(LoadForm(t), r, LocalMem(i));
  PushReg(t, r);
}

void Compiler::LocalSet(uint32_t i, bool tee) {
  const Value& v = Top();
  StoreValue(LocalMem(i), v);
  if (!tee) FreeIfReg(Pop());
}

void Compiler::Select() {
  PendingCond pc;
  Reg cond_reg;
  if (pending_.valid) {
    pc = pending_;
    pending_.valid = false;
  } else {
    cond_reg = PopToReg();
  }
  const Value b = Pop();
  const Value a = Pop();
  const Reg r = ToReg(a);
  const Type t = a.type;
  if (!IsFloatType(t)) {
    Reg br;
    Mem bm(x64::kRbp);
    if (!AsRegOrMem(b, &br, &bm)) br = ToReg(b);  // a constant: in a register
    if (cond_reg.is_valid()) {
      E(Form::kTest32MR, cond_reg, cond_reg);
      pc = PendingCond{true, Cond::kNe};
    } else if (pc.parity != PendingCond::Parity::kNone) {
      SetCond(codegen::kScratchGpr0, pc);
      E(Form::kTest32MR, codegen::kScratchGpr0, codegen::kScratchGpr0);
      pc = PendingCond{true, Cond::kNe};
    }
    // r = cond ? a : b
    const Form cmov = t == Type::kI32 ? Form::kCmov32RM : Form::kCmov64RM;
    if (br.is_valid()) {
      E(cmov, x64::Negate(pc.cond), r, br);
      FreeReg(br);  // b's register, or the one its constant was put in
    } else {
      E(cmov, x64::Negate(pc.cond), r, bm);
    }
  } else {
    if (cond_reg.is_valid()) {
      E(Form::kTest32MR, cond_reg, cond_reg);
      pc = PendingCond{true, Cond::kNe};
    }
    const x64::Label keep = as_.NewLabel();
    JumpOn(pc, true, keep);
    LoadValue(r, b);
    as_.Bind(keep);
    FreeIfReg(b);
  }
  if (cond_reg.is_valid()) FreeReg(cond_reg);
  PushReg(t, r);
}

// ---- Entry point ------------------------------------------------------------------------

absl::StatusOr<codegen::FunctionCode> CompileFunction(const Module& m, uint32_t defined_index) {
  if (defined_index >= m.bodies.size()) {
    return absl::InvalidArgumentError(absl::StrCat("no defined function ", defined_index));
  }
  Compiler c(m, defined_index);
  return c.Run();
}

}  // namespace wasm::baseline
