// Instruction selection for floating point: constants, arithmetic with
// WebAssembly's NaN / signed-zero rules, compares, and every conversion
// between integers and floats (trapping, saturating, unsigned 64-bit).
#include <cstdint>
#include <cstring>

#include "runtime/codegen/lower_internal.h"

namespace wasm::codegen {

using x64::Form;
using x64::Imm;
using x64::Mem;
using ir::IrOpcode;
using ir::Type;

namespace {
inline Form S(Type t, Form f32, Form f64) { return t == Type::kF32 ? f32 : f64; }
inline Form F(bool w64, Form f32, Form f64) { return w64 ? f64 : f32; }
}  // namespace

x64::Mem Lowerer::MaskConstant(Type t, bool sign_bit) {
  uint64_t pattern;
  if (t == Type::kF32) {
    pattern = sign_bit ? 0x8000000080000000ull : 0x7fffffff7fffffffull;
  } else {
    pattern = sign_bit ? 0x8000000000000000ull : 0x7fffffffffffffffull;
  }
  return Mem::Rip(as_.Constant128(pattern, pattern));
}

x64::Mem Lowerer::FloatConstant(Type t, double value) {
  if (t == Type::kF32) return Mem::Rip(as_.ConstantF32(static_cast<float>(value)));
  return Mem::Rip(as_.ConstantF64(value));
}

void Lowerer::LowerFloatConst(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const VReg r = V(f_.Result(i));
  if (d.op == IrOpcode::kF32const) {
    E(x64::Inst(Form::kMovssRM, {X, Mem::Rip(as_.Constant32(static_cast<uint32_t>(d.imm64)))}), {r});
  } else {
    E(x64::Inst(Form::kMovsdRM, {X, Mem::Rip(as_.Constant64(d.imm64))}), {r});
  }
}

void Lowerer::LowerFloatUnary(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const Type t = d.type;
  const VReg r = V(f_.Result(i)), a = V(f_.Args(i)[0]);
  switch (d.op) {
    case IrOpcode::kFneg:
      Copy(r, a, t);
      E(x64::Inst(S(t, Form::kXorpsRM, Form::kXorpdRM), {X, MaskConstant(t, true)}), {r});
      return;
    case IrOpcode::kFabs:
      Copy(r, a, t);
      E(x64::Inst(S(t, Form::kAndpsRM, Form::kAndpdRM), {X, MaskConstant(t, false)}), {r});
      return;
    case IrOpcode::kFsqrt:
      E(x64::Inst(S(t, Form::kSqrtssRM, Form::kSqrtsdRM), {X, X}), {r, a});
      return;
    case IrOpcode::kFceil:
    case IrOpcode::kFfloor:
    case IrOpcode::kFtrunc:
    case IrOpcode::kFnearest: {
      // roundss modes: 0 nearest-even, 1 floor, 2 ceil, 3 trunc; | 8: no inexact.
      const int mode = d.op == IrOpcode::kFnearest ? 0
                     : d.op == IrOpcode::kFfloor   ? 1
                     : d.op == IrOpcode::kFceil    ? 2 : 3;
      E(x64::Inst(S(t, Form::kRoundssRMI, Form::kRoundsdRMI), {X, X, Imm(mode | 8)}), {r, a});
      return;
    }
    case IrOpcode::kFpromote:
      E(x64::Inst(Form::kCvtss2sdRM, {X, X}), {r, a});
      return;
    case IrOpcode::kFdemote:
      E(x64::Inst(Form::kCvtsd2ssRM, {X, X}), {r, a});
      return;
    default:
      return;
  }
}

void Lowerer::LowerFloatBinary(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const Type t = d.type;
  auto args = f_.Args(i);
  const VReg r = V(f_.Result(i)), a = V(args[0]), b = V(args[1]);
  Copy(r, a, t);
  if (d.op == IrOpcode::kFcopysign) {
    const VReg s = NewXmm();
    E(x64::Inst(S(t, Form::kAndpsRM, Form::kAndpdRM), {X, MaskConstant(t, false)}), {r});
    Copy(s, b, t);
    E(x64::Inst(S(t, Form::kAndpsRM, Form::kAndpdRM), {X, MaskConstant(t, true)}), {s});
    E(x64::Inst(S(t, Form::kOrpsRM, Form::kOrpdRM), {X, X}), {r, s});
    return;
  }
  Form form;
  switch (d.op) {
    case IrOpcode::kFadd: form = S(t, Form::kAddssRM, Form::kAddsdRM); break;
    case IrOpcode::kFsub: form = S(t, Form::kSubssRM, Form::kSubsdRM); break;
    case IrOpcode::kFmul: form = S(t, Form::kMulssRM, Form::kMulsdRM); break;
    default: form = S(t, Form::kDivssRM, Form::kDivsdRM); break;
  }
  E(x64::Inst(form, {X, X}), {r, b});
}

// minss/maxss return the second operand on NaN and on equal zeros, which is
// wrong for wasm: NaN must propagate and min(-0, +0) = -0, max = +0.
//   r = a; ucomis r, b; jp nan; jne ordinary
//   equal (maybe ±0): min: or the bits (-0 wins), max: and (+0 wins); jmp done
//   ordinary: minss r, b; jmp done
//   nan: addss r, b (a quiet NaN)
void Lowerer::LowerMinMax(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const Type t = d.type;
  const bool is_min = d.op == IrOpcode::kFmin;
  auto args = f_.Args(i);
  const VReg r = V(f_.Result(i)), a = V(args[0]), b = V(args[1]);
  const x64::Label nan = as_.NewLabel(), ordinary = as_.NewLabel(), done = as_.NewLabel();
  Copy(r, a, t);
  E(x64::Inst(S(t, Form::kUcomissRM, Form::kUcomisdRM), {X, X}), {r, b});
  Jcc(x64::Cond::kP, nan);
  Jcc(x64::Cond::kNe, ordinary);
  if (is_min) {
    E(x64::Inst(S(t, Form::kOrpsRM, Form::kOrpdRM), {X, X}), {r, b});
  } else {
    E(x64::Inst(S(t, Form::kAndpsRM, Form::kAndpdRM), {X, X}), {r, b});
  }
  Jmp(done);
  Bind(ordinary);
  E(x64::Inst(is_min ? S(t, Form::kMinssRM, Form::kMinsdRM) : S(t, Form::kMaxssRM, Form::kMaxsdRM),
              {X, X}),
    {r, b});
  Jmp(done);
  Bind(nan);
  E(x64::Inst(S(t, Form::kAddssRM, Form::kAddsdRM), {X, X}), {r, b});
  Bind(done);
}

// ucomis sets ZF, PF, CF = 1, 1, 1 when unordered. a < b is tested as b > a
// ("above": CF = 0 and ZF = 0), false on NaN; eq / ne need the parity flag.
Lowerer::FlagCond Lowerer::EmitFloatCompare(ir::Inst cmp) {
  const ir::InstData& d = f_.inst(cmp);
  const Type t = d.type;
  auto args = f_.Args(cmp);
  VReg a = V(args[0]), b = V(args[1]);
  FlagCond fc{x64::Cond::kE};
  switch (d.cond) {
    case ir::Cond::kEq: fc = {x64::Cond::kE, FlagCond::Parity::kUnorderedFalse}; break;
    case ir::Cond::kNe: fc = {x64::Cond::kNe, FlagCond::Parity::kUnorderedTrue}; break;
    case ir::Cond::kLt: std::swap(a, b); fc = {x64::Cond::kA}; break;
    case ir::Cond::kLe: std::swap(a, b); fc = {x64::Cond::kAe}; break;
    case ir::Cond::kGt: fc = {x64::Cond::kA}; break;
    default: fc = {x64::Cond::kAe}; break;  // kGe
  }
  E(x64::Inst(S(t, Form::kUcomissRM, Form::kUcomisdRM), {X, X}), {a, b});
  return fc;
}

void Lowerer::LowerConversion(ir::Inst i) {
  switch (f_.inst(i).op) {
    case IrOpcode::kFcvtToSint: LowerFloatToInt(i, true, false); return;
    case IrOpcode::kFcvtToUint: LowerFloatToInt(i, false, false); return;
    case IrOpcode::kFcvtToSintSat: LowerFloatToInt(i, true, true); return;
    case IrOpcode::kFcvtToUintSat: LowerFloatToInt(i, false, true); return;
    case IrOpcode::kFcvtFromSint: LowerIntToFloat(i, true); return;
    default: LowerIntToFloat(i, false); return;
  }
}

void Lowerer::LowerFloatToInt(ir::Inst i, bool is_signed, bool saturating) {
  const ir::InstData& d = f_.inst(i);
  const ir::Value arg = f_.Args(i)[0];
  const Type st = f_.ValueType(arg);
  const bool w = d.type == Type::kI64;
  const VReg r = V(f_.Result(i)), a = V(arg);
  const Form ucomis = S(st, Form::kUcomissRM, Form::kUcomisdRM);
  auto cvtt = [&](bool wide) {
    return st == Type::kF32 ? F(wide, Form::kCvttss2si32RM, Form::kCvttss2si64RM)
                            : F(wide, Form::kCvttsd2si32RM, Form::kCvttsd2si64RM);
  };
  auto compare_const = [&](double c) { E(x64::Inst(ucomis, {X, FloatConstant(st, c)}), {a}); };
  const x64::Label done = as_.NewLabel();
  const double two_n1 = w ? 9223372036854775808.0 : 2147483648.0;  // 2^(N-1)

  if (is_signed) {
    // cvtt gives INT_MIN ("integer indefinite") for NaN and out-of-range.
    E(x64::Inst(cvtt(w), {G, X}), {r, a});
    E(x64::Inst(F(w, Form::kCmp32MI, Form::kCmp64MI), {G, Imm(1)}), {r});
    Jcc(x64::Cond::kNo, done);  // r - 1 overflows only for r == INT_MIN
    if (!saturating) {
      E(x64::Inst(ucomis, {X, X}), {a, a});
      Jcc(x64::Cond::kP, TrapLabel(TrapKind::kInvalidConversion));
      if (st == Type::kF64 && !w) {
        compare_const(-2147483649.0);
        Jcc(x64::Cond::kBe, TrapLabel(TrapKind::kIntegerOverflow));
      } else {
        compare_const(-two_n1);
        Jcc(x64::Cond::kB, TrapLabel(TrapKind::kIntegerOverflow));
      }
      compare_const(two_n1);
      Jcc(x64::Cond::kAe, TrapLabel(TrapKind::kIntegerOverflow));
    } else {
      const x64::Label nan = as_.NewLabel();
      E(x64::Inst(ucomis, {X, X}), {a, a});
      Jcc(x64::Cond::kP, nan);
      compare_const(0.0);
      Jcc(x64::Cond::kB, done);  // negative overflow: INT_MIN is right
      MovImm(r, d.type, w ? uint64_t{INT64_MAX} : uint64_t{INT32_MAX});
      Jmp(done);
      Bind(nan);
      E(x64::Inst(Form::kMov32OI, {G, Imm(0)}), {r});
    }
    Bind(done);
    return;
  }

  const double limit = w ? 18446744073709551616.0 : 4294967296.0;  // 2^N
  const x64::Label max = as_.NewLabel();
  if (!saturating) {
    E(x64::Inst(ucomis, {X, X}), {a, a});
    Jcc(x64::Cond::kP, TrapLabel(TrapKind::kInvalidConversion));
    compare_const(-1.0);
    Jcc(x64::Cond::kBe, TrapLabel(TrapKind::kIntegerOverflow));
    compare_const(limit);
    Jcc(x64::Cond::kAe, TrapLabel(TrapKind::kIntegerOverflow));
  } else {
    E(x64::Inst(Form::kMov32OI, {G, Imm(0)}), {r});
    compare_const(0.0);
    Jcc(x64::Cond::kBe, done);  // NaN (unordered sets CF) or <= 0: 0
    compare_const(limit);
    Jcc(x64::Cond::kAe, max);
  }
  if (!w) {
    // [0, 2^32): the 64-bit conversion is exact and leaves the top half zero.
    E(x64::Inst(cvtt(true), {G, X}), {r, a});
    Jmp(done);
  } else {
    const x64::Label big = as_.NewLabel();
    compare_const(two_n1);
    Jcc(x64::Cond::kAe, big);
    E(x64::Inst(cvtt(true), {G, X}), {r, a});
    Jmp(done);
    Bind(big);
    // [2^63, 2^64): convert a - 2^63, then set bit 63.
    const VReg t = NewXmm(), k = NewGpr();
    Copy(t, a, st);
    E(x64::Inst(S(st, Form::kSubssRM, Form::kSubsdRM), {X, FloatConstant(st, two_n1)}), {t});
    E(x64::Inst(cvtt(true), {G, X}), {r, t});
    MovImm(k, Type::kI64, uint64_t{1} << 63);
    E(x64::Inst(Form::kXor64RM, {G, G}), {r, k});
    Jmp(done);
  }
  Bind(max);
  if (saturating) {
    if (w) {
      E(x64::Inst(Form::kMov64MI, {G, Imm(-1)}), {r});
    } else {
      E(x64::Inst(Form::kMov32OI, {G, Imm(0xffffffff)}), {r});
    }
  }
  Bind(done);
}

void Lowerer::LowerIntToFloat(ir::Inst i, bool is_signed) {
  const ir::InstData& d = f_.inst(i);
  const ir::Value arg = f_.Args(i)[0];
  const Type st = f_.ValueType(arg), t = d.type;
  const VReg r = V(f_.Result(i)), a = V(arg);
  auto cvt = [&](bool wide) {
    return t == Type::kF32 ? F(wide, Form::kCvtsi2ss32RM, Form::kCvtsi2ss64RM)
                           : F(wide, Form::kCvtsi2sd32RM, Form::kCvtsi2sd64RM);
  };
  if (is_signed) {
    E(x64::Inst(cvt(st == Type::kI64), {X, G}), {r, a});
    return;
  }
  if (st == Type::kI32) {
    // Zero-extended in its register (abi.h): the signed 64-bit conversion is exact.
    E(x64::Inst(cvt(true), {X, G}), {r, a});
    return;
  }
  // u64: values >= 2^63 are halved (keeping the low bit for rounding),
  // converted, and doubled.
  const x64::Label big = as_.NewLabel(), done = as_.NewLabel();
  E(x64::Inst(Form::kTest64MR, {G, G}), {a, a});
  Jcc(x64::Cond::kS, big);
  E(x64::Inst(cvt(true), {X, G}), {r, a});
  Jmp(done);
  Bind(big);
  const VReg h = NewGpr(), lo = NewGpr();
  Copy(h, a, Type::kI64);
  E(x64::Inst(Form::kShr64MI, {G, Imm(1)}), {h});
  Copy(lo, a, Type::kI64);
  E(x64::Inst(Form::kAnd64MI, {G, Imm(1)}), {lo});
  E(x64::Inst(Form::kOr64RM, {G, G}), {h, lo});
  E(x64::Inst(cvt(true), {X, G}), {r, h});
  E(x64::Inst(S(t, Form::kAddssRM, Form::kAddsdRM), {X, X}), {r, r});
  Bind(done);
}

void Lowerer::LowerBitcast(ir::Inst i) {
  const ir::InstData& d = f_.inst(i);
  const VReg r = V(f_.Result(i)), a = V(f_.Args(i)[0]);
  switch (d.type) {
    case Type::kI32: E(x64::Inst(Form::kMovdMR, {G, X}), {r, a}); return;
    case Type::kI64: E(x64::Inst(Form::kMovqMR, {G, X}), {r, a}); return;
    case Type::kF32: E(x64::Inst(Form::kMovdRM, {X, G}), {r, a}); return;
    default: E(x64::Inst(Form::kMovqRM, {X, G}), {r, a}); return;
  }
}

}  // namespace wasm::codegen
