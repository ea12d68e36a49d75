// The baseline compiler's integer instructions, compares, memory accesses
// and globals.
#include <cstdint>

#include "runtime/baseline/compiler.h"

namespace wasm::baseline {

namespace {

inline Form F(bool w, Form f32, Form f64) { return w ? f64 : f32; }

// The constant of an i32 / i64 entry as a sign-extended immediate, if it
// fits one (an i32's 32 bits are its immediate: the 32-bit op ignores the rest).
bool ImmOf(const Value& v, bool w, int64_t* imm) {
  if (!v.is_const()) return false;
  if (!w) {
    *imm = static_cast<int32_t>(static_cast<uint32_t>(v.bits));
    return true;
  }
  const int64_t s = static_cast<int64_t>(v.bits);
  if (s < INT32_MIN || s > INT32_MAX) return false;
  *imm = s;
  return true;
}

Cond Swapped(Cond c) {
  switch (c) {
    case Cond::kL: return Cond::kG;
    case Cond::kG: return Cond::kL;
    case Cond::kLe: return Cond::kGe;
    case Cond::kGe: return Cond::kLe;
    case Cond::kB: return Cond::kA;
    case Cond::kA: return Cond::kB;
    case Cond::kBe: return Cond::kAe;
    case Cond::kAe: return Cond::kBe;
    default: return c;  // e, ne
  }
}

}  // namespace

bool Compiler::IntOp(const Instruction& in) {
  switch (in.op) {
#define CASE_BIN(name, w) case Opcode::k##name: IntBinary(in.op, w); return true;
    CASE_BIN(I32Add, false) CASE_BIN(I32Sub, false) CASE_BIN(I32Mul, false)
    CASE_BIN(I32And, false) CASE_BIN(I32Or, false) CASE_BIN(I32Xor, false)
    CASE_BIN(I64Add, true) CASE_BIN(I64Sub, true) CASE_BIN(I64Mul, true)
    CASE_BIN(I64And, true) CASE_BIN(I64Or, true) CASE_BIN(I64Xor, true)
#undef CASE_BIN
    case Opcode::kI32DivS: case Opcode::kI32DivU: case Opcode::kI32RemS: case Opcode::kI32RemU:
      DivRem(in.op, false);
      return true;
    case Opcode::kI64DivS: case Opcode::kI64DivU: case Opcode::kI64RemS: case Opcode::kI64RemU:
      DivRem(in.op, true);
      return true;
    case Opcode::kI32Shl: case Opcode::kI32ShrS: case Opcode::kI32ShrU:
    case Opcode::kI32Rotl: case Opcode::kI32Rotr:
      Shift(in.op, false);
      return true;
    case Opcode::kI64Shl: case Opcode::kI64ShrS: case Opcode::kI64ShrU:
    case Opcode::kI64Rotl: case Opcode::kI64Rotr:
      Shift(in.op, true);
      return true;
#define CASE_CMP(name, cond, w) case Opcode::k##name: IntCompare(Cond::k##cond, w); return true;
    CASE_CMP(I32Eq, E, false) CASE_CMP(I32Ne, Ne, false) CASE_CMP(I32LtS, L, false)
    CASE_CMP(I32LtU, B, false) CASE_CMP(I32GtS, G, false) CASE_CMP(I32GtU, A, false)
    CASE_CMP(I32LeS, Le, false) CASE_CMP(I32LeU, Be, false) CASE_CMP(I32GeS, Ge, false)
    CASE_CMP(I32GeU, Ae, false)
    CASE_CMP(I64Eq, E, true) CASE_CMP(I64Ne, Ne, true) CASE_CMP(I64LtS, L, true)
    CASE_CMP(I64LtU, B, true) CASE_CMP(I64GtS, G, true) CASE_CMP(I64GtU, A, true)
    CASE_CMP(I64LeS, Le, true) CASE_CMP(I64LeU, Be, true) CASE_CMP(I64GeS, Ge, true)
    CASE_CMP(I64GeU, Ae, true)
#undef CASE_CMP
    case Opcode::kI32Eqz: Eqz(false); return true;
    case Opcode::kI64Eqz: Eqz(true); return true;
    case Opcode::kI32Clz: case Opcode::kI32Ctz: case Opcode::kI32Popcnt:
    case Opcode::kI32Extend8S: case Opcode::kI32Extend16S: case Opcode::kI32WrapI64:
      IntUnary(in.op, false);
      return true;
    case Opcode::kI64Clz: case Opcode::kI64Ctz: case Opcode::kI64Popcnt:
    case Opcode::kI64Extend8S: case Opcode::kI64Extend16S: case Opcode::kI64Extend32S:
    case Opcode::kI64ExtendI32S: case Opcode::kI64ExtendI32U:
      IntUnary(in.op, true);
      return true;
#define WASM_LOAD_OP(name, code, text, result, align) case Opcode::k##name:
#include "runtime/opcodes.def"
      Load(in);
      return true;
#define WASM_STORE_OP(name, code, text, value, align) case Opcode::k##name:
#include "runtime/opcodes.def"
      Store(in);
      return true;
    default:
      return false;
  }
}

void Compiler::IntBinary(Opcode op, bool w) {
  Value b = Pop();
  Value a = Pop();
  if (a.is_const() && !b.is_const() && op != Opcode::kI32Sub && op != Opcode::kI64Sub) {
    std::swap(a, b);  // commutative: the constant as the immediate
  }
  const Reg r = ToReg(a);
  Form rm, mi, mi8;
  switch (op) {
    case Opcode::kI32Add: case Opcode::kI64Add:
      rm = F(w, Form::kAdd32RM, Form::kAdd64RM);
      mi = F(w, Form::kAdd32MI, Form::kAdd64MI);
      mi8 = F(w, Form::kAdd32MI8, Form::kAdd64MI8);
      break;
    case Opcode::kI32Sub: case Opcode::kI64Sub:
      rm = F(w, Form::kSub32RM, Form::kSub64RM);
      mi = F(w, Form::kSub32MI, Form::kSub64MI);
      mi8 = F(w, Form::kSub32MI8, Form::kSub64MI8);
      break;
    case Opcode::kI32Mul: case Opcode::kI64Mul:
      rm = F(w, Form::kImul32RM, Form::kImul64RM);
      mi = F(w, Form::kImul32RMI, Form::kImul64RMI);
      mi8 = F(w, Form::kImul32RMI8, Form::kImul64RMI8);
      break;
    case Opcode::kI32And: case Opcode::kI64And:
      rm = F(w, Form::kAnd32RM, Form::kAnd64RM);
      mi = F(w, Form::kAnd32MI, Form::kAnd64MI);
      mi8 = F(w, Form::kAnd32MI8, Form::kAnd64MI8);
      break;
    case Opcode::kI32Or: case Opcode::kI64Or:
      rm = F(w, Form::kOr32RM, Form::kOr64RM);
      mi = F(w, Form::kOr32MI, Form::kOr64MI);
      mi8 = F(w, Form::kOr32MI8, Form::kOr64MI8);
      break;
    default:
      rm = F(w, Form::kXor32RM, Form::kXor64RM);
      mi = F(w, Form::kXor32MI, Form::kXor64MI);
      mi8 = F(w, Form::kXor32MI8, Form::kXor64MI8);
      break;
  }
  int64_t imm;
  Reg br;
  Mem bm(x64::kRbp);
  if (ImmOf(b, w, &imm)) {
    const bool mul = op == Opcode::kI32Mul || op == Opcode::kI64Mul;
    const bool short_imm = imm >= -128 && imm <= 127;
    if (mul) {
      E(short_imm ? mi8 : mi, r, r, Imm(imm));
    } else {
      E(short_imm ? mi8 : mi, r, Imm(imm));
    }
  } else if (AsRegOrMem(b, &br, &bm)) {
    if (br.is_valid()) {
      E(rm, r, br);
      FreeReg(br);
    } else {
      E(rm, r, bm);
    }
  } else {  // an i64 constant wider than an immediate
    LoadValue(codegen::kScratchGpr1, b);
    E(rm, r, codegen::kScratchGpr1);
  }
  PushReg(w ? Type::kI64 : Type::kI32, r);
}

void Compiler::DivRem(Opcode op, bool w) {
  const bool is_signed = op == Opcode::kI32DivS || op == Opcode::kI32RemS ||
                         op == Opcode::kI64DivS || op == Opcode::kI64RemS;
  const bool is_rem = op == Opcode::kI32RemS || op == Opcode::kI32RemU ||
                      op == Opcode::kI64RemS || op == Opcode::kI64RemU;
  const Value b = Pop();
  const Value a = Pop();
  // The divisor in r11, the dividend in r10, then rax / rdx are ours.
  const Reg divisor = codegen::kScratchGpr1, dividend = codegen::kScratchGpr0;
  LoadValue(divisor, b);
  LoadValue(dividend, a);
  FreeIfReg(a);
  FreeIfReg(b);
  TakeReg(x64::kRax);
  TakeReg(x64::kRdx);
  int64_t cb = 0;
  const bool is_const = b.is_const();
  if (is_const) cb = w ? static_cast<int64_t>(b.bits) : static_cast<int32_t>(static_cast<uint32_t>(b.bits));
  if (!is_const || cb == 0) {
    E(F(w, Form::kTest32MR, Form::kTest64MR), divisor, divisor);
    as_.J(Cond::kE, TrapLabel(TrapKind::kIntegerDivideByZero));
  }
  const bool maybe_minus1 = is_signed && (!is_const || cb == -1);
  x64::Label done;
  if (maybe_minus1 && !is_rem) {
    // INT_MIN / -1 overflows: trap.
    const x64::Label ok = as_.NewLabel();
    E(F(w, Form::kCmp32MI8, Form::kCmp64MI8), divisor, Imm(-1));
    as_.J(Cond::kNe, ok);
    if (w) {
      MovImm(x64::kRax, uint64_t{1} << 63);
      E(Form::kCmp64RM, dividend, x64::kRax);
    } else {
      E(Form::kCmp32MI, dividend, Imm(INT32_MIN));
    }
    as_.J(Cond::kE, TrapLabel(TrapKind::kIntegerOverflow));
    as_.Bind(ok);
  } else if (maybe_minus1 && is_rem) {
    // x % -1 == 0 (idiv would fault on INT_MIN % -1).
    const x64::Label divide = as_.NewLabel();
    done = as_.NewLabel();
    E(F(w, Form::kCmp32MI8, Form::kCmp64MI8), divisor, Imm(-1));
    as_.J(Cond::kNe, divide);
    E(Form::kXor32RM, x64::kRdx, x64::kRdx);
    as_.Jmp(done);
    as_.Bind(divide);
  }
  Mov(x64::kRax, dividend);
  if (is_signed) {
    E(w ? Form::kCqo : Form::kCdq);
    E(F(w, Form::kIdiv32M, Form::kIdiv64M), divisor);
  } else {
    E(Form::kXor32RM, x64::kRdx, x64::kRdx);
    E(F(w, Form::kDiv32M, Form::kDiv64M), divisor);
  }
  if (done.is_valid()) as_.Bind(done);
  const Reg result = is_rem ? x64::kRdx : x64::kRax;
  FreeReg(is_rem ? x64::kRax : x64::kRdx);
  PushReg(w ? Type::kI64 : Type::kI32, result);
}

void Compiler::Shift(Opcode op, bool w) {
  Form by_cl, by_imm;
  switch (op) {
    case Opcode::kI32Shl: case Opcode::kI64Shl:
      by_cl = F(w, Form::kShl32MC, Form::kShl64MC);
      by_imm = F(w, Form::kShl32MI, Form::kShl64MI);
      break;
    case Opcode::kI32ShrS: case Opcode::kI64ShrS:
      by_cl = F(w, Form::kSar32MC, Form::kSar64MC);
      by_imm = F(w, Form::kSar32MI, Form::kSar64MI);
      break;
    case Opcode::kI32ShrU: case Opcode::kI64ShrU:
      by_cl = F(w, Form::kShr32MC, Form::kShr64MC);
      by_imm = F(w, Form::kShr32MI, Form::kShr64MI);
      break;
    case Opcode::kI32Rotl: case Opcode::kI64Rotl:
      by_cl = F(w, Form::kRol32MC, Form::kRol64MC);
      by_imm = F(w, Form::kRol32MI, Form::kRol64MI);
      break;
    default:
      by_cl = F(w, Form::kRor32MC, Form::kRor64MC);
      by_imm = F(w, Form::kRor32MI, Form::kRor64MI);
      break;
  }
  const Type t = w ? Type::kI64 : Type::kI32;
  const Value c = Pop();
  if (c.is_const()) {
    const Reg r = PopToReg();
    const int64_t count = static_cast<int64_t>(c.bits & (w ? 63 : 31));  // modulo the width
    if (count != 0) E(by_imm, r, Imm(count));
    PushReg(t, r);
    return;
  }
  // x86 masks a count in cl to 5 or 6 bits, as wasm wants. The value is
  // shifted in r10, then rcx is ours for the count.
  const Value a = Pop();
  LoadValue(codegen::kScratchGpr0, a);
  LoadValue(codegen::kScratchGpr1, c);
  FreeIfReg(a);
  FreeIfReg(c);
  TakeReg(x64::kRcx);
  E(Form::kMov32RM, x64::kRcx, codegen::kScratchGpr1);
  E(by_cl, codegen::kScratchGpr0);
  FreeReg(x64::kRcx);
  const Reg r = AllocReg(RegClass::kGpr);
  Mov(r, codegen::kScratchGpr0);
  PushReg(t, r);
}

void Compiler::IntCompare(Cond c, bool w) {
  Value b = Pop();
  Value a = Pop();
  if (a.is_const() && !b.is_const()) {
    std::swap(a, b);
    c = Swapped(c);
  }
  const Reg r = ToReg(a);
  int64_t imm;
  Reg br;
  Mem bm(x64::kRbp);
  if (ImmOf(b, w, &imm)) {
    EmitRI(F(w, Form::kCmp32MI, Form::kCmp64MI), F(w, Form::kCmp32MI8, Form::kCmp64MI8), r, imm);
  } else if (AsRegOrMem(b, &br, &bm)) {
    if (br.is_valid()) {
      E(F(w, Form::kCmp32RM, Form::kCmp64RM), r, br);
      FreeReg(br);
    } else {
      E(F(w, Form::kCmp32RM, Form::kCmp64RM), r, bm);
    }
  } else {
    LoadValue(codegen::kScratchGpr1, b);
    E(Form::kCmp64RM, r, codegen::kScratchGpr1);
  }
  FinishCompare(PendingCond{true, c}, r);
}

void Compiler::Eqz(bool w) {
  const Reg r = PopToReg();
  E(F(w, Form::kTest32MR, Form::kTest64MR), r, r);
  FinishCompare(PendingCond{true, Cond::kE}, r);
}

void Compiler::IntUnary(Opcode op, bool w) {
  if (op == Opcode::kI64ExtendI32U) {  // the i32's upper half is already zero
    Value v = Pop();
    v.type = Type::kI64;
    if (v.in_slot()) {  // its slot holds 4 meaningful bytes: load them
      const Reg r = AllocReg(RegClass::kGpr);
      E(Form::kMov32RM, r, SlotMem(v.slot));
      PushReg(Type::kI64, r);
      return;
    }
    Push(v);
    return;
  }
  const Reg r = PopToReg();
  Form form;
  switch (op) {
    case Opcode::kI32Clz: case Opcode::kI64Clz: form = F(w, Form::kLzcnt32RM, Form::kLzcnt64RM); break;
    case Opcode::kI32Ctz: case Opcode::kI64Ctz: form = F(w, Form::kTzcnt32RM, Form::kTzcnt64RM); break;
    case Opcode::kI32Popcnt: case Opcode::kI64Popcnt:
      form = F(w, Form::kPopcnt32RM, Form::kPopcnt64RM);
      break;
    case Opcode::kI32Extend8S: case Opcode::kI64Extend8S:
      form = F(w, Form::kMovsx32RM8, Form::kMovsx64RM8);
      break;
    case Opcode::kI32Extend16S: case Opcode::kI64Extend16S:
      form = F(w, Form::kMovsx32RM16, Form::kMovsx64RM16);
      break;
    case Opcode::kI64Extend32S: case Opcode::kI64ExtendI32S: form = Form::kMovsxd64RM32; break;
    default: form = Form::kMov32RM; break;  // i32.wrap_i64: mov r32, r32 zero-extends
  }
  E(form, r, r);
  PushReg(w ? Type::kI64 : Type::kI32, r);
}

// ---- Memory ---------------------------------------------------------------------------

Mem Compiler::Addr(uint32_t offset, Reg* held) {
  const Value a = Pop();
  *held = Reg();
  if (a.is_const()) {
    const uint64_t ea = (a.bits & 0xffffffffu) + offset;
    if (ea <= static_cast<uint64_t>(INT32_MAX)) return Mem(codegen::kMemBaseReg, static_cast<int32_t>(ea));
    MovImm(codegen::kScratchGpr1, ea);
    return Mem(codegen::kMemBaseReg, codegen::kScratchGpr1, 1, 0);
  }
  const Reg r = ToReg(a);
  *held = r;
  if (offset <= static_cast<uint32_t>(INT32_MAX)) {
    return Mem(codegen::kMemBaseReg, r, 1, static_cast<int32_t>(offset));
  }
  // Offsets >= 2^31 do not fit a disp32: index + offset in a 64-bit register.
  MovImm(codegen::kScratchGpr1, offset);
  E(Form::kAdd64RM, codegen::kScratchGpr1, r);
  return Mem(codegen::kMemBaseReg, codegen::kScratchGpr1, 1, 0);
}

void Compiler::Load(const Instruction& in) {
  Type t;
  Form form;
  switch (in.op) {
    case Opcode::kI32Load: t = Type::kI32; form = Form::kMov32RM; break;
    case Opcode::kI64Load: t = Type::kI64; form = Form::kMov64RM; break;
    case Opcode::kF32Load: t = Type::kF32; form = Form::kMovssRM; break;
    case Opcode::kF64Load: t = Type::kF64; form = Form::kMovsdRM; break;
    case Opcode::kI32Load8S: t = Type::kI32; form = Form::kMovsx32RM8; break;
    case Opcode::kI32Load8U: t = Type::kI32; form = Form::kMovzx32RM8; break;
    case Opcode::kI32Load16S: t = Type::kI32; form = Form::kMovsx32RM16; break;
    case Opcode::kI32Load16U: t = Type::kI32; form = Form::kMovzx32RM16; break;
    case Opcode::kI64Load8S: t = Type::kI64; form = Form::kMovsx64RM8; break;
    case Opcode::kI64Load8U: t = Type::kI64; form = Form::kMovzx32RM8; break;
    case Opcode::kI64Load16S: t = Type::kI64; form = Form::kMovsx64RM16; break;
    case Opcode::kI64Load16U: t = Type::kI64; form = Form::kMovzx32RM16; break;
    case Opcode::kI64Load32S: t = Type::kI64; form = Form::kMovsxd64RM32; break;
    default: t = Type::kI64; form = Form::kMov32RM; break;  // i64.load32_u
  }
  Reg held;
  const Mem m = Addr(in.mem_offset, &held);
  Reg r;
  if (held.is_valid() && !IsFloatType(t)) {
    r = held;  // the address register takes the value
  } else {
    r = AllocReg(ClassOf(t));
    if (held.is_valid()) FreeReg(held);  // (after the load: see below)
  }
  E(form, r, m);
  PushReg(t, r);
}

void Compiler::Store(const Instruction& in) {
  Form form;
  switch (in.op) {
    case Opcode::kI32Store: form = Form::kMov32MR; break;
    case Opcode::kI64Store: form = Form::kMov64MR; break;
    case Opcode::kF32Store: form = Form::kMovssMR; break;
    case Opcode::kF64Store: form = Form::kMovsdMR; break;
    case Opcode::kI32Store8: case Opcode::kI64Store8: form = Form::kMov8MR; break;
    case Opcode::kI32Store16: case Opcode::kI64Store16: form = Form::kMov16MR; break;
    default: form = Form::kMov32MR; break;  // i64.store32
  }
  const Reg v = PopToReg();
  Reg held;
  const Mem m = Addr(in.mem_offset, &held);
  E(form, m, v);
  FreeReg(v);
  if (held.is_valid()) FreeReg(held);
}

// ---- Globals --------------------------------------------------------------------------

void Compiler::GlobalGet(uint32_t i) {
  const Type t = TypeOf(m_.globals[i].type.type);
  const Reg r = AllocReg(ClassOf(t));
  const Reg cell = codegen::kScratchGpr1;
  E(Form::kMov64RM, cell, Mem(codegen::kVmctxReg, codegen::kVmGlobals));
  E(Form::kMov64RM, cell, Mem(cell, 8 * static_cast<int32_t>(i)));
  switch (t) {
    case Type::kI32: E(Form::kMov32RM, r, Mem(cell, 0)); break;
    case Type::kF32: E(Form::kMovssRM, r, Mem(cell, 0)); break;
    case Type::kF64: E(Form::kMovsdRM, r, Mem(cell, 0)); break;
    default: E(Form::kMov64RM, r, Mem(cell, 0)); break;
  }
  PushReg(t, r);
}

void Compiler::GlobalSet(uint32_t i) {
  const Reg v = PopToReg();
  const Type t = TypeOf(m_.globals[i].type.type);
  const Reg cell = codegen::kScratchGpr1;
  E(Form::kMov64RM, cell, Mem(codegen::kVmctxReg, codegen::kVmGlobals));
  E(Form::kMov64RM, cell, Mem(cell, 8 * static_cast<int32_t>(i)));
  switch (t) {
    case Type::kI32: E(Form::kMov32MR, Mem(cell, 0), v); break;
    case Type::kF32: E(Form::kMovssMR, Mem(cell, 0), v); break;
    case Type::kF64: E(Form::kMovsdMR, Mem(cell, 0), v); break;
    default: E(Form::kMov64MR, Mem(cell, 0), v); break;
  }
  FreeReg(v);
}

}  // namespace wasm::baseline
