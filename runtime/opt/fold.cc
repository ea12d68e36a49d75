#include "runtime/opt/fold.h"

#include <bit>
#include <cmath>
#include <cstdint>

namespace wasm::opt {
namespace {

using ir::Cond;
using ir::IrOpcode;
using ir::Type;

int Width(Type t) { return (t == Type::kI64 || t == Type::kF64) ? 64 : 32; }

uint64_t Mask(Type t, uint64_t v) { return Width(t) == 32 ? v & 0xffffffffu : v; }

int64_t Signed(Type t, uint64_t v) {
  return Width(t) == 32 ? static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(v)))
                        : static_cast<int64_t>(v);
}

uint64_t SignBit(Type t) { return Width(t) == 32 ? uint64_t{1} << 31 : uint64_t{1} << 63; }

// f32 and f64 bit patterns as doubles (f32 -> double is exact).
double ToDouble(Type t, uint64_t bits) {
  if (t == Type::kF32) return std::bit_cast<float>(static_cast<uint32_t>(bits));
  return std::bit_cast<double>(bits);
}

// The bits of `d` in type t; callers make sure the narrowing to f32 is exact.
uint64_t FromDouble(Type t, double d) {
  if (t == Type::kF32) return std::bit_cast<uint32_t>(static_cast<float>(d));
  return std::bit_cast<uint64_t>(d);
}

// trunc/ceil/floor in the operand's own precision; exact for non-NaN input.
template <typename F>
std::optional<uint64_t> Rounding(Type t, uint64_t a, F round) {
  if (t == Type::kF32) {
    const float x = std::bit_cast<float>(static_cast<uint32_t>(a));
    if (std::isnan(x)) return std::nullopt;
    return std::bit_cast<uint32_t>(static_cast<float>(round(x)));
  }
  const double x = std::bit_cast<double>(a);
  if (std::isnan(x)) return std::nullopt;
  return std::bit_cast<uint64_t>(static_cast<double>(round(x)));
}

std::optional<uint64_t> FloatToInt(IrOpcode op, Type result, Type operand, uint64_t a) {
  if (!ir::IsFloat(operand) || !ir::IsInt(result)) return std::nullopt;
  const bool is_signed = op == IrOpcode::kFcvtToSint || op == IrOpcode::kFcvtToSintSat;
  const bool saturating = op == IrOpcode::kFcvtToSintSat || op == IrOpcode::kFcvtToUintSat;
  const double x = ToDouble(operand, a);
  if (std::isnan(x)) {
    if (saturating) return 0;
    return std::nullopt;  // traps: invalid conversion
  }
  const double t = std::trunc(x);
  // Valid truncated values are [lo, hi); all four bounds are exact doubles.
  const bool wide = result == Type::kI64;
  const double lo = is_signed ? (wide ? -9223372036854775808.0 : -2147483648.0) : 0.0;
  const double hi = is_signed ? (wide ? 9223372036854775808.0 : 2147483648.0)
                              : (wide ? 18446744073709551616.0 : 4294967296.0);
  if (t < lo) {
    if (!saturating) return std::nullopt;  // traps: integer overflow
    return is_signed ? Mask(result, SignBit(result)) : 0;
  }
  if (t >= hi) {
    if (!saturating) return std::nullopt;
    return is_signed ? Mask(result, SignBit(result) - 1) : Mask(result, ~uint64_t{0});
  }
  if (is_signed) return Mask(result, static_cast<uint64_t>(static_cast<int64_t>(t)));
  return Mask(result, static_cast<uint64_t>(t));
}

std::optional<uint64_t> IntToFloat(IrOpcode op, Type result, Type operand, uint64_t a) {
  if (!ir::IsInt(operand) || !ir::IsFloat(result)) return std::nullopt;
  bool negative = false;
  uint64_t magnitude = Mask(operand, a);
  if (op == IrOpcode::kFcvtFromSint) {
    const int64_t s = Signed(operand, a);
    negative = s < 0;
    magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(s) : static_cast<uint64_t>(s);
  }
  // Exact when the odd part of the magnitude fits in the significand.
  const int precision = result == Type::kF32 ? 24 : 53;
  if (magnitude != 0 && (magnitude >> std::countr_zero(magnitude)) >= (uint64_t{1} << precision)) {
    return std::nullopt;
  }
  const double d = static_cast<double>(magnitude);  // exact, see above
  return FromDouble(result, negative ? -d : d);
}

}  // namespace

std::optional<uint64_t> EvalUnary(IrOpcode op, Type result, Type operand, uint64_t a) {
  a = Mask(operand, a);
  const bool narrow = Width(result) == 32;
  switch (op) {
    case IrOpcode::kClz:
      return narrow ? std::countl_zero(static_cast<uint32_t>(a)) : std::countl_zero(a);
    case IrOpcode::kCtz:
      return narrow ? std::countr_zero(static_cast<uint32_t>(a)) : std::countr_zero(a);
    case IrOpcode::kPopcnt:
      return std::popcount(a);
    case IrOpcode::kSext8:
      return Mask(result, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a))));
    case IrOpcode::kSext16:
      return Mask(result, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a))));
    case IrOpcode::kSext32:
      return Mask(result, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a))));
    case IrOpcode::kIreduce:
    case IrOpcode::kUextend:
      return a & 0xffffffffu;
    case IrOpcode::kSextend:
      return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)));
    case IrOpcode::kFneg:
      return Mask(result, a ^ SignBit(result));
    case IrOpcode::kFabs:
      return a & ~SignBit(result);
    case IrOpcode::kFceil:
      return Rounding(result, a, [](auto x) { return std::ceil(x); });
    case IrOpcode::kFfloor:
      return Rounding(result, a, [](auto x) { return std::floor(x); });
    case IrOpcode::kFtrunc:
      return Rounding(result, a, [](auto x) { return std::trunc(x); });
    case IrOpcode::kFpromote: {
      if (operand != Type::kF32 || result != Type::kF64) return std::nullopt;
      const double d = ToDouble(Type::kF32, a);
      if (std::isnan(d)) return std::nullopt;
      return FromDouble(Type::kF64, d);
    }
    case IrOpcode::kFdemote: {
      if (operand != Type::kF64 || result != Type::kF32) return std::nullopt;
      const double d = ToDouble(Type::kF64, a);
      if (std::isnan(d) || static_cast<double>(static_cast<float>(d)) != d) return std::nullopt;
      return FromDouble(Type::kF32, d);
    }
    case IrOpcode::kFcvtToSint:
    case IrOpcode::kFcvtToUint:
    case IrOpcode::kFcvtToSintSat:
    case IrOpcode::kFcvtToUintSat:
      return FloatToInt(op, result, operand, a);
    case IrOpcode::kFcvtFromSint:
    case IrOpcode::kFcvtFromUint:
      return IntToFloat(op, result, operand, a);
    case IrOpcode::kBitcast:
      if (Width(result) != Width(operand)) return std::nullopt;
      return a;
    default:  // fsqrt, fnearest: not folded
      return std::nullopt;
  }
}

std::optional<uint64_t> EvalBinary(IrOpcode op, Type t, uint64_t a, uint64_t b) {
  a = Mask(t, a);
  b = Mask(t, b);
  if (ir::IsFloat(t)) {
    if (op != IrOpcode::kFcopysign) return std::nullopt;
    return (a & ~SignBit(t)) | (b & SignBit(t));
  }
  const int width = Width(t);
  const int count = static_cast<int>(b & static_cast<uint64_t>(width - 1));
  const int64_t sa = Signed(t, a);
  const int64_t sb = Signed(t, b);
  switch (op) {
    case IrOpcode::kIadd: return Mask(t, a + b);
    case IrOpcode::kIsub: return Mask(t, a - b);
    case IrOpcode::kImul: return Mask(t, a * b);
    case IrOpcode::kSdiv:
      if (b == 0) return std::nullopt;                         // traps: divide by zero
      if (sb == -1 && a == SignBit(t)) return std::nullopt;    // traps: INT_MIN / -1
      return Mask(t, static_cast<uint64_t>(sa / sb));
    case IrOpcode::kUdiv:
      if (b == 0) return std::nullopt;
      return a / b;
    case IrOpcode::kSrem:
      if (b == 0) return std::nullopt;
      if (sb == -1) return 0;  // INT_MIN % -1 is 0 in wasm, and x % -1 always is
      return Mask(t, static_cast<uint64_t>(sa % sb));
    case IrOpcode::kUrem:
      if (b == 0) return std::nullopt;
      return a % b;
    case IrOpcode::kBand: return a & b;
    case IrOpcode::kBor: return a | b;
    case IrOpcode::kBxor: return a ^ b;
    case IrOpcode::kIshl: return Mask(t, a << count);
    case IrOpcode::kUshr: return a >> count;
    case IrOpcode::kSshr: return Mask(t, static_cast<uint64_t>(sa >> count));
    case IrOpcode::kRotl:
      return count == 0 ? a : Mask(t, (a << count) | (a >> (width - count)));
    case IrOpcode::kRotr:
      return count == 0 ? a : Mask(t, (a >> count) | (a << (width - count)));
    default:
      return std::nullopt;
  }
}

std::optional<bool> EvalIntCompare(Cond c, Type t, uint64_t a, uint64_t b) {
  if (!ir::IsInt(t)) return std::nullopt;
  a = Mask(t, a);
  b = Mask(t, b);
  const int64_t sa = Signed(t, a);
  const int64_t sb = Signed(t, b);
  switch (c) {
    case Cond::kEq: return a == b;
    case Cond::kNe: return a != b;
    case Cond::kSlt: return sa < sb;
    case Cond::kUlt: return a < b;
    case Cond::kSgt: return sa > sb;
    case Cond::kUgt: return a > b;
    case Cond::kSle: return sa <= sb;
    case Cond::kUle: return a <= b;
    case Cond::kSge: return sa >= sb;
    case Cond::kUge: return a >= b;
    default: return std::nullopt;
  }
}

std::optional<bool> EvalFloatCompare(Cond c, Type t, uint64_t a, uint64_t b) {
  if (!ir::IsFloat(t)) return std::nullopt;
  const double x = ToDouble(t, a);
  const double y = ToDouble(t, b);
  // C++ comparisons are IEEE's: false on NaN except !=, and -0 == +0.
  switch (c) {
    case Cond::kEq: return x == y;
    case Cond::kNe: return x != y;
    case Cond::kLt: return x < y;
    case Cond::kGt: return x > y;
    case Cond::kLe: return x <= y;
    case Cond::kGe: return x >= y;
    default: return std::nullopt;
  }
}

}  // namespace wasm::opt
