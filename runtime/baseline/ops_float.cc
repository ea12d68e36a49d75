// The baseline compiler's floating-point instructions and conversions: the
// sequences of runtime/codegen/lower_float.cc (WebAssembly's NaN and
// signed-zero rules, trapping and saturating float → int, unsigned 64-bit
// int → float) with physical registers. SSE4.1 (roundss / roundsd) assumed.
#include <cstdint>
#include <utility>

#include "runtime/baseline/compiler.h"

namespace wasm::baseline {

namespace {

inline Form S(Type t, Form f32, Form f64) { return t == Type::kF32 ? f32 : f64; }
inline Form F(bool w, Form f32, Form f64) { return w ? f64 : f32; }

uint64_t SignBit(Type t) { return t == Type::kF32 ? uint64_t{1} << 31 : uint64_t{1} << 63; }

}  // namespace

bool Compiler::FloatOp(const Instruction& in) {
  constexpr Type f32 = Type::kF32, f64 = Type::kF64, i32 = Type::kI32, i64 = Type::kI64;
  switch (in.op) {
    case Opcode::kF32Add: case Opcode::kF32Sub: case Opcode::kF32Mul: case Opcode::kF32Div:
      FloatBinary(in.op, f32);
      return true;
    case Opcode::kF64Add: case Opcode::kF64Sub: case Opcode::kF64Mul: case Opcode::kF64Div:
      FloatBinary(in.op, f64);
      return true;
    case Opcode::kF32Min: FloatMinMax(true, f32); return true;
    case Opcode::kF32Max: FloatMinMax(false, f32); return true;
    case Opcode::kF64Min: FloatMinMax(true, f64); return true;
    case Opcode::kF64Max: FloatMinMax(false, f64); return true;
    case Opcode::kF32Copysign: FloatCopysign(f32); return true;
    case Opcode::kF64Copysign: FloatCopysign(f64); return true;
    case Opcode::kF32Abs: case Opcode::kF32Neg:
      FloatSignOp(in.op == Opcode::kF32Neg, f32);
      return true;
    case Opcode::kF64Abs: case Opcode::kF64Neg:
      FloatSignOp(in.op == Opcode::kF64Neg, f64);
      return true;
    // roundss modes: 0 nearest-even, 1 floor, 2 ceil, 3 trunc; | 8: no inexact.
    case Opcode::kF32Sqrt: FloatUnary(Form::kSqrtssRM, -1, f32); return true;
    case Opcode::kF32Nearest: FloatUnary(Form::kRoundssRMI, 8 | 0, f32); return true;
    case Opcode::kF32Floor: FloatUnary(Form::kRoundssRMI, 8 | 1, f32); return true;
    case Opcode::kF32Ceil: FloatUnary(Form::kRoundssRMI, 8 | 2, f32); return true;
    case Opcode::kF32Trunc: FloatUnary(Form::kRoundssRMI, 8 | 3, f32); return true;
    case Opcode::kF64Sqrt: FloatUnary(Form::kSqrtsdRM, -1, f64); return true;
    case Opcode::kF64Nearest: FloatUnary(Form::kRoundsdRMI, 8 | 0, f64); return true;
    case Opcode::kF64Floor: FloatUnary(Form::kRoundsdRMI, 8 | 1, f64); return true;
    case Opcode::kF64Ceil: FloatUnary(Form::kRoundsdRMI, 8 | 2, f64); return true;
    case Opcode::kF64Trunc: FloatUnary(Form::kRoundsdRMI, 8 | 3, f64); return true;
    case Opcode::kF32DemoteF64: FloatUnary(Form::kCvtsd2ssRM, -1, f32); return true;
    case Opcode::kF64PromoteF32: FloatUnary(Form::kCvtss2sdRM, -1, f64); return true;
#define CASE_CMP(name, t) case Opcode::k##name: FloatCompare(in.op, t); return true;
    CASE_CMP(F32Eq, f32) CASE_CMP(F32Ne, f32) CASE_CMP(F32Lt, f32)
    CASE_CMP(F32Gt, f32) CASE_CMP(F32Le, f32) CASE_CMP(F32Ge, f32)
    CASE_CMP(F64Eq, f64) CASE_CMP(F64Ne, f64) CASE_CMP(F64Lt, f64)
    CASE_CMP(F64Gt, f64) CASE_CMP(F64Le, f64) CASE_CMP(F64Ge, f64)
#undef CASE_CMP
    // Float → int: (source, 64-bit result, signed, saturating).
#define CASE_TRUNC(name, src, w, s, sat) \
  case Opcode::k##name: FloatToInt(src, w, s, sat); return true;
    CASE_TRUNC(I32TruncF32S, f32, false, true, false)
    CASE_TRUNC(I32TruncF32U, f32, false, false, false)
    CASE_TRUNC(I32TruncF64S, f64, false, true, false)
    CASE_TRUNC(I32TruncF64U, f64, false, false, false)
    CASE_TRUNC(I64TruncF32S, f32, true, true, false)
    CASE_TRUNC(I64TruncF32U, f32, true, false, false)
    CASE_TRUNC(I64TruncF64S, f64, true, true, false)
    CASE_TRUNC(I64TruncF64U, f64, true, false, false)
    CASE_TRUNC(I32TruncSatF32S, f32, false, true, true)
    CASE_TRUNC(I32TruncSatF32U, f32, false, false, true)
    CASE_TRUNC(I32TruncSatF64S, f64, false, true, true)
    CASE_TRUNC(I32TruncSatF64U, f64, false, false, true)
    CASE_TRUNC(I64TruncSatF32S, f32, true, true, true)
    CASE_TRUNC(I64TruncSatF32U, f32, true, false, true)
    CASE_TRUNC(I64TruncSatF64S, f64, true, true, true)
    CASE_TRUNC(I64TruncSatF64U, f64, true, false, true)
#undef CASE_TRUNC
    // Int → float: (source, result, signed).
#define CASE_CONVERT(name, src, t, s) case Opcode::k##name: IntToFloat(src, t, s); return true;
    CASE_CONVERT(F32ConvertI32S, i32, f32, true) CASE_CONVERT(F32ConvertI32U, i32, f32, false)
    CASE_CONVERT(F32ConvertI64S, i64, f32, true) CASE_CONVERT(F32ConvertI64U, i64, f32, false)
    CASE_CONVERT(F64ConvertI32S, i32, f64, true) CASE_CONVERT(F64ConvertI32U, i32, f64, false)
    CASE_CONVERT(F64ConvertI64S, i64, f64, true) CASE_CONVERT(F64ConvertI64U, i64, f64, false)
#undef CASE_CONVERT
    case Opcode::kI32ReinterpretF32: Reinterpret(i32); return true;
    case Opcode::kI64ReinterpretF64: Reinterpret(i64); return true;
    case Opcode::kF32ReinterpretI32: Reinterpret(f32); return true;
    case Opcode::kF64ReinterpretI64: Reinterpret(f64); return true;
    default:
      return false;
  }
}

// ---- Helpers ------------------------------------------------------------------------

void Compiler::FloatRM(Form f, Reg dst, const Value& v, int imm8) {
  Mem m(x64::kRbp);
  Reg r;
  if (v.is_const()) {
    m = Mem::Rip(v.type == Type::kF32 ? as_.Constant32(static_cast<uint32_t>(v.bits))
                                      : as_.Constant64(v.bits));
  } else {
    AsRegOrMem(v, &r, &m);
  }
  if (r.is_valid()) {
    if (imm8 >= 0) {
      E(f, dst, r, Imm(imm8));
    } else {
      E(f, dst, r);
    }
  } else if (imm8 >= 0) {
    E(f, dst, m, Imm(imm8));
  } else {
    E(f, dst, m);
  }
}

Mem Compiler::MaskConstant(Type t, bool sign_bit) {
  uint64_t pattern;
  if (t == Type::kF32) {
    pattern = sign_bit ? 0x8000000080000000ull : 0x7fffffff7fffffffull;
  } else {
    pattern = sign_bit ? 0x8000000000000000ull : 0x7fffffffffffffffull;
  }
  return Mem::Rip(as_.Constant128(pattern, pattern));  // (16-byte aligned: andps wants it)
}

Mem Compiler::FloatConstant(Type t, double value) {
  if (t == Type::kF32) return Mem::Rip(as_.ConstantF32(static_cast<float>(value)));
  return Mem::Rip(as_.ConstantF64(value));
}

// ---- Arithmetic ---------------------------------------------------------------------

void Compiler::FloatBinary(Opcode op, Type t) {
  Value b = Pop();
  Value a = Pop();
  const bool commutative = op == Opcode::kF32Add || op == Opcode::kF64Add ||
                           op == Opcode::kF32Mul || op == Opcode::kF64Mul;
  if (commutative && a.is_const() && !b.is_const()) std::swap(a, b);  // the constant from memory
  Form form;
  switch (op) {
    case Opcode::kF32Add: case Opcode::kF64Add: form = S(t, Form::kAddssRM, Form::kAddsdRM); break;
    case Opcode::kF32Sub: case Opcode::kF64Sub: form = S(t, Form::kSubssRM, Form::kSubsdRM); break;
    case Opcode::kF32Mul: case Opcode::kF64Mul: form = S(t, Form::kMulssRM, Form::kMulsdRM); break;
    default: form = S(t, Form::kDivssRM, Form::kDivsdRM); break;
  }
  const Reg r = ToReg(a);
  FloatRM(form, r, b);
  FreeIfReg(b);
  PushReg(t, r);
}

// minss / maxss return the second operand on NaN and on equal zeros, which is
// wrong for wasm: NaN must propagate and min(-0, +0) = -0, max = +0.
//   ucomis r, b; jp nan; jne ordinary
//   equal (maybe ±0): min: or the bits (-0 wins), max: and (+0 wins); jmp done
//   ordinary: minss r, b; jmp done
//   nan: addss r, b (a quiet NaN)
void Compiler::FloatMinMax(bool is_min, Type t) {
  const Value b = Pop();
  const Value a = Pop();
  const Reg r = ToReg(a);
  Reg br = codegen::kScratchXmm0;  // orps / andps need b in a register
  if (b.in_reg()) {
    br = b.reg;
  } else {
    LoadValue(br, b);
  }
  const x64::Label nan = as_.NewLabel(), ordinary = as_.NewLabel(), done = as_.NewLabel();
  E(S(t, Form::kUcomissRM, Form::kUcomisdRM), r, br);
  as_.J(Cond::kP, nan);
  as_.J(Cond::kNe, ordinary);
  if (is_min) {
    E(S(t, Form::kOrpsRM, Form::kOrpdRM), r, br);
  } else {
    E(S(t, Form::kAndpsRM, Form::kAndpdRM), r, br);
  }
  as_.Jmp(done);
  as_.Bind(ordinary);
  E(is_min ? S(t, Form::kMinssRM, Form::kMinsdRM) : S(t, Form::kMaxssRM, Form::kMaxsdRM), r, br);
  as_.Jmp(done);
  as_.Bind(nan);
  E(S(t, Form::kAddssRM, Form::kAddsdRM), r, br);
  as_.Bind(done);
  FreeIfReg(b);
  PushReg(t, r);
}

void Compiler::FloatCopysign(Type t) {
  const Value b = Pop();
  const Value a = Pop();
  const uint64_t sign = SignBit(t);
  if (b.is_const()) {
    if (a.is_const()) {
      PushConst(t, (a.bits & ~sign) | (b.bits & sign));
      return;
    }
    const Reg r = ToReg(a);
    E(S(t, Form::kAndpsRM, Form::kAndpdRM), r, MaskConstant(t, false));
    if (b.bits & sign) E(S(t, Form::kOrpsRM, Form::kOrpdRM), r, MaskConstant(t, true));
    PushReg(t, r);
    return;
  }
  const Reg r = ToReg(a);
  const Reg s = codegen::kScratchXmm0;
  E(S(t, Form::kAndpsRM, Form::kAndpdRM), r, MaskConstant(t, false));
  LoadValue(s, b);
  E(S(t, Form::kAndpsRM, Form::kAndpdRM), s, MaskConstant(t, true));
  E(S(t, Form::kOrpsRM, Form::kOrpdRM), r, s);
  FreeIfReg(b);
  PushReg(t, r);
}

void Compiler::FloatSignOp(bool neg, Type t) {
  const Value v = Pop();
  const uint64_t sign = SignBit(t);
  if (v.is_const()) {  // bit operations: exact on constants, NaNs included
    PushConst(t, neg ? v.bits ^ sign : v.bits & ~sign);
    return;
  }
  const Reg r = ToReg(v);
  if (neg) {
    E(S(t, Form::kXorpsRM, Form::kXorpdRM), r, MaskConstant(t, true));
  } else {
    E(S(t, Form::kAndpsRM, Form::kAndpdRM), r, MaskConstant(t, false));
  }
  PushReg(t, r);
}

void Compiler::FloatUnary(Form form, int imm8, Type result) {
  const Value v = Pop();
  const Reg r = v.in_reg() ? v.reg : AllocReg(RegClass::kXmm);
  FloatRM(form, r, v, imm8);
  PushReg(result, r);
}

// ucomis sets ZF, PF, CF = 1, 1, 1 when unordered. a < b is tested as b > a
// ("above": CF = 0 and ZF = 0), false on NaN; eq / ne need the parity flag.
void Compiler::FloatCompare(Opcode op, Type t) {
  using P = PendingCond::Parity;
  Value b = Pop();
  Value a = Pop();
  PendingCond pc{true, Cond::kE, P::kNone};
  switch (op) {
    case Opcode::kF32Eq: case Opcode::kF64Eq: pc = {true, Cond::kE, P::kUnorderedFalse}; break;
    case Opcode::kF32Ne: case Opcode::kF64Ne: pc = {true, Cond::kNe, P::kUnorderedTrue}; break;
    case Opcode::kF32Lt: case Opcode::kF64Lt: std::swap(a, b); pc.cond = Cond::kA; break;
    case Opcode::kF32Le: case Opcode::kF64Le: std::swap(a, b); pc.cond = Cond::kAe; break;
    case Opcode::kF32Gt: case Opcode::kF64Gt: pc.cond = Cond::kA; break;
    default: pc.cond = Cond::kAe; break;  // ge
  }
  if (pc.parity != P::kNone && a.is_const() && !b.is_const()) std::swap(a, b);  // symmetric
  const Reg r = ToReg(a);
  FloatRM(S(t, Form::kUcomissRM, Form::kUcomisdRM), r, b);
  FreeReg(r);
  FreeIfReg(b);
  FinishCompare(pc, Reg());
}

// ---- Conversions ----------------------------------------------------------------------

void Compiler::FloatToInt(Type st, bool w, bool is_signed, bool saturating) {
  const Reg a = PopToReg();
  const Reg r = AllocReg(RegClass::kGpr);
  const Form ucomis = S(st, Form::kUcomissRM, Form::kUcomisdRM);
  auto cvtt = [&](bool wide) {
    return st == Type::kF32 ? F(wide, Form::kCvttss2si32RM, Form::kCvttss2si64RM)
                            : F(wide, Form::kCvttsd2si32RM, Form::kCvttsd2si64RM);
  };
  auto compare_const = [&](double c) { E(ucomis, a, FloatConstant(st, c)); };
  const Type result = w ? Type::kI64 : Type::kI32;
  const x64::Label done = as_.NewLabel();
  const double two_n1 = w ? 9223372036854775808.0 : 2147483648.0;  // 2^(N-1)

  if (is_signed) {
    // cvtt gives INT_MIN ("integer indefinite") for NaN and out-of-range.
    E(cvtt(w), r, a);
    E(F(w, Form::kCmp32MI8, Form::kCmp64MI8), r, Imm(1));
    as_.J(Cond::kNo, done);  // r - 1 overflows only for r == INT_MIN
    if (!saturating) {
      E(ucomis, a, a);
      as_.J(Cond::kP, TrapLabel(TrapKind::kInvalidConversion));
      if (st == Type::kF64 && !w) {
        compare_const(-2147483649.0);
        as_.J(Cond::kBe, TrapLabel(TrapKind::kIntegerOverflow));
      } else {
        compare_const(-two_n1);
        as_.J(Cond::kB, TrapLabel(TrapKind::kIntegerOverflow));
      }
      compare_const(two_n1);
      as_.J(Cond::kAe, TrapLabel(TrapKind::kIntegerOverflow));
    } else {
      const x64::Label nan = as_.NewLabel();
      E(ucomis, a, a);
      as_.J(Cond::kP, nan);
      compare_const(0.0);
      as_.J(Cond::kB, done);  // negative overflow: INT_MIN is right
      MovImm(r, w ? uint64_t{INT64_MAX} : uint64_t{INT32_MAX});
      as_.Jmp(done);
      as_.Bind(nan);
      E(Form::kMov32OI, r, Imm(0));
    }
    as_.Bind(done);
    FreeReg(a);
    PushReg(result, r);
    return;
  }

  const double limit = w ? 18446744073709551616.0 : 4294967296.0;  // 2^N
  const x64::Label max = as_.NewLabel();
  if (!saturating) {
    E(ucomis, a, a);
    as_.J(Cond::kP, TrapLabel(TrapKind::kInvalidConversion));
    compare_const(-1.0);
    as_.J(Cond::kBe, TrapLabel(TrapKind::kIntegerOverflow));
    compare_const(limit);
    as_.J(Cond::kAe, TrapLabel(TrapKind::kIntegerOverflow));
  } else {
    E(Form::kMov32OI, r, Imm(0));
    compare_const(0.0);
    as_.J(Cond::kBe, done);  // NaN (unordered sets CF) or <= 0: 0
    compare_const(limit);
    as_.J(Cond::kAe, max);
  }
  if (!w) {
    // [0, 2^32): the 64-bit conversion is exact and leaves the top half zero.
    E(cvtt(true), r, a);
    as_.Jmp(done);
  } else {
    const x64::Label big = as_.NewLabel();
    compare_const(two_n1);
    as_.J(Cond::kAe, big);
    E(cvtt(true), r, a);
    as_.Jmp(done);
    as_.Bind(big);
    // [2^63, 2^64): convert a - 2^63, then set bit 63.
    const Reg t = codegen::kScratchXmm0, k = codegen::kScratchGpr0;
    Mov(t, a);
    E(S(st, Form::kSubssRM, Form::kSubsdRM), t, FloatConstant(st, two_n1));
    E(cvtt(true), r, t);
    MovImm(k, uint64_t{1} << 63);
    E(Form::kXor64RM, r, k);
    as_.Jmp(done);
  }
  as_.Bind(max);
  if (saturating) {
    if (w) {
      E(Form::kMov64MI, r, Imm(-1));
    } else {
      E(Form::kMov32OI, r, Imm(0xffffffff));
    }
  }
  as_.Bind(done);
  FreeReg(a);
  PushReg(result, r);
}

void Compiler::IntToFloat(Type st, Type t, bool is_signed) {
  auto cvt = [&](bool wide) {
    return t == Type::kF32 ? F(wide, Form::kCvtsi2ss32RM, Form::kCvtsi2ss64RM)
                           : F(wide, Form::kCvtsi2sd32RM, Form::kCvtsi2sd64RM);
  };
  const Value v = Pop();
  if (is_signed && v.in_slot()) {  // from memory: the slot's 4 or 8 meaningful bytes
    const Reg r = AllocReg(RegClass::kXmm);
    E(cvt(st == Type::kI64), r, SlotMem(v.slot));
    PushReg(t, r);
    return;
  }
  const Reg a = ToReg(v);
  const Reg r = AllocReg(RegClass::kXmm);
  if (is_signed) {
    E(cvt(st == Type::kI64), r, a);
  } else if (st == Type::kI32) {
    // Zero-extended in its register (abi.h): the signed 64-bit conversion is exact.
    E(cvt(true), r, a);
  } else {
    // u64: values >= 2^63 are halved (keeping the low bit for rounding),
    // converted, and doubled.
    const x64::Label big = as_.NewLabel(), done = as_.NewLabel();
    E(Form::kTest64MR, a, a);
    as_.J(Cond::kS, big);
    E(cvt(true), r, a);
    as_.Jmp(done);
    as_.Bind(big);
    const Reg h = codegen::kScratchGpr0, lo = codegen::kScratchGpr1;
    Mov(h, a);
    E(Form::kShr64MI, h, Imm(1));
    Mov(lo, a);
    E(Form::kAnd64MI8, lo, Imm(1));
    E(Form::kOr64RM, h, lo);
    E(cvt(true), r, h);
    E(S(t, Form::kAddssRM, Form::kAddsdRM), r, r);
    as_.Bind(done);
  }
  FreeReg(a);
  PushReg(t, r);
}

// The bits unchanged, in the other class: a constant or a slot entry is just
// retyped (a slot's 4 / 8 meaningful bytes are the same bits).
void Compiler::Reinterpret(Type t) {
  Value v = Pop();
  if (!v.in_reg()) {
    v.type = t;
    Push(v);
    return;
  }
  const Reg r = AllocReg(ClassOf(t));
  switch (t) {
    case Type::kI32: E(Form::kMovdMR, r, v.reg); break;  // (movd r32 zero-extends)
    case Type::kI64: E(Form::kMovqMR, r, v.reg); break;
    case Type::kF32: E(Form::kMovdRM, r, v.reg); break;
    default: E(Form::kMovqRM, r, v.reg); break;
  }
  FreeReg(v.reg);
  PushReg(t, r);
}

}  // namespace wasm::baseline
