// Constant evaluation (fold.h) against hand-computed WebAssembly results,
// with the edge cases: shift counts modulo the width, division traps,
// INT_MIN, NaN, -0, inexact conversions.
#include "runtime/opt/fold.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>

#include "gtest/gtest.h"
#include "runtime/ir/ir.h"

namespace wasm::opt {
namespace {

using ir::Cond;
using ir::IrOpcode;
using ir::Type;

constexpr uint64_t kI32Min = 0x80000000u;
constexpr uint64_t kI64Min = uint64_t{1} << 63;
constexpr uint64_t kM1_32 = 0xffffffffu;  // -1 as i32
constexpr uint64_t kM1_64 = ~uint64_t{0};

uint64_t F32(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t F64(double d) { return std::bit_cast<uint64_t>(d); }

TEST(FoldTest, IntegerArithmeticWraps) {
  EXPECT_EQ(EvalBinary(IrOpcode::kIadd, Type::kI32, 0x7fffffff, 1), kI32Min);
  EXPECT_EQ(EvalBinary(IrOpcode::kIsub, Type::kI32, 0, 1), kM1_32);
  EXPECT_EQ(EvalBinary(IrOpcode::kImul, Type::kI32, 0x10000, 0x10000), 0u);
  EXPECT_EQ(EvalBinary(IrOpcode::kImul, Type::kI64, 0x10000, 0x10000), 0x100000000u);
  EXPECT_EQ(EvalBinary(IrOpcode::kIadd, Type::kI64, kM1_64, 1), 0u);
  // High bits of i32 inputs are ignored.
  EXPECT_EQ(EvalBinary(IrOpcode::kIadd, Type::kI32, 0x1'00000001, 1), 2u);
}

TEST(FoldTest, ShiftCountsAreModuloTheWidth) {
  for (uint64_t count = 0; count < 200; ++count) {
    const uint32_t x = 0x80000001u;
    const uint32_t k = count % 32;
    EXPECT_EQ(EvalBinary(IrOpcode::kIshl, Type::kI32, x, count), uint32_t(x << k)) << count;
    EXPECT_EQ(EvalBinary(IrOpcode::kUshr, Type::kI32, x, count), x >> k) << count;
    EXPECT_EQ(EvalBinary(IrOpcode::kSshr, Type::kI32, x, count),
              uint32_t(int32_t(x) >> k)) << count;
    EXPECT_EQ(EvalBinary(IrOpcode::kRotl, Type::kI32, x, count), std::rotl(x, int(k))) << count;
    EXPECT_EQ(EvalBinary(IrOpcode::kRotr, Type::kI32, x, count), std::rotr(x, int(k))) << count;
    const uint64_t y = 0x8000000000000003u;
    const uint64_t j = count % 64;
    EXPECT_EQ(EvalBinary(IrOpcode::kIshl, Type::kI64, y, count), y << j) << count;
    EXPECT_EQ(EvalBinary(IrOpcode::kSshr, Type::kI64, y, count), uint64_t(int64_t(y) >> j));
    EXPECT_EQ(EvalBinary(IrOpcode::kRotr, Type::kI64, y, count), std::rotr(y, int(j)));
  }
  EXPECT_EQ(EvalBinary(IrOpcode::kIshl, Type::kI32, 1, 33), 2u);
  EXPECT_EQ(EvalBinary(IrOpcode::kIshl, Type::kI32, 1, kM1_32), kI32Min);  // count 31
}

TEST(FoldTest, DivisionFoldsOnlyWhenItCannotTrap) {
  for (IrOpcode op : {IrOpcode::kSdiv, IrOpcode::kUdiv, IrOpcode::kSrem, IrOpcode::kUrem}) {
    EXPECT_EQ(EvalBinary(op, Type::kI32, 7, 0), std::nullopt);
    EXPECT_EQ(EvalBinary(op, Type::kI64, 7, 0), std::nullopt);
  }
  EXPECT_EQ(EvalBinary(IrOpcode::kSdiv, Type::kI32, kI32Min, kM1_32), std::nullopt);
  EXPECT_EQ(EvalBinary(IrOpcode::kSdiv, Type::kI64, kI64Min, kM1_64), std::nullopt);
  EXPECT_EQ(EvalBinary(IrOpcode::kSrem, Type::kI32, kI32Min, kM1_32), 0u);
  EXPECT_EQ(EvalBinary(IrOpcode::kSrem, Type::kI64, kI64Min, kM1_64), 0u);
  // i64 INT_MIN is not i32 INT_MIN: as i64, 0x80000000 / -1 is fine.
  EXPECT_EQ(EvalBinary(IrOpcode::kSdiv, Type::kI64, kI32Min, kM1_64), uint64_t(-int64_t(kI32Min)));
  // Truncation toward zero; the remainder has the dividend's sign.
  EXPECT_EQ(EvalBinary(IrOpcode::kSdiv, Type::kI32, uint32_t(-7), 2), uint32_t(-3));
  EXPECT_EQ(EvalBinary(IrOpcode::kSrem, Type::kI32, uint32_t(-7), 2), uint32_t(-1));
  EXPECT_EQ(EvalBinary(IrOpcode::kSrem, Type::kI32, 7, uint32_t(-2)), 1u);
  EXPECT_EQ(EvalBinary(IrOpcode::kUdiv, Type::kI32, kM1_32, 2), 0x7fffffffu);
  EXPECT_EQ(EvalBinary(IrOpcode::kUrem, Type::kI64, kM1_64, 10), 5u);
  EXPECT_EQ(EvalBinary(IrOpcode::kSdiv, Type::kI32, kI32Min, 2), 0xc0000000u);
}

TEST(FoldTest, IntegerUnary) {
  EXPECT_EQ(EvalUnary(IrOpcode::kClz, Type::kI32, Type::kI32, 0), 32u);
  EXPECT_EQ(EvalUnary(IrOpcode::kClz, Type::kI64, Type::kI64, 0), 64u);
  EXPECT_EQ(EvalUnary(IrOpcode::kClz, Type::kI32, Type::kI32, 1), 31u);
  EXPECT_EQ(EvalUnary(IrOpcode::kCtz, Type::kI32, Type::kI32, 0), 32u);
  EXPECT_EQ(EvalUnary(IrOpcode::kCtz, Type::kI64, Type::kI64, kI64Min), 63u);
  EXPECT_EQ(EvalUnary(IrOpcode::kPopcnt, Type::kI32, Type::kI32, 0x1'ffffffff), 32u);
  EXPECT_EQ(EvalUnary(IrOpcode::kSext8, Type::kI32, Type::kI32, 0x80), 0xffffff80u);
  EXPECT_EQ(EvalUnary(IrOpcode::kSext8, Type::kI64, Type::kI64, 0x17f), 0x7fu);
  EXPECT_EQ(EvalUnary(IrOpcode::kSext16, Type::kI64, Type::kI64, 0x8000), 0xffffffffffff8000u);
  EXPECT_EQ(EvalUnary(IrOpcode::kSext32, Type::kI64, Type::kI64, 0x80000000), 0xffffffff80000000u);
  EXPECT_EQ(EvalUnary(IrOpcode::kIreduce, Type::kI32, Type::kI64, 0x123456789), 0x23456789u);
  EXPECT_EQ(EvalUnary(IrOpcode::kUextend, Type::kI64, Type::kI32, kM1_32), kM1_32);
  EXPECT_EQ(EvalUnary(IrOpcode::kSextend, Type::kI64, Type::kI32, kM1_32), kM1_64);
}

TEST(FoldTest, IntegerCompares) {
  EXPECT_EQ(EvalIntCompare(Cond::kSlt, Type::kI32, kM1_32, 0), true);
  EXPECT_EQ(EvalIntCompare(Cond::kUlt, Type::kI32, kM1_32, 0), false);
  EXPECT_EQ(EvalIntCompare(Cond::kSge, Type::kI64, kI64Min, kM1_64), false);
  EXPECT_EQ(EvalIntCompare(Cond::kUge, Type::kI64, kI64Min, kM1_64), false);
  EXPECT_EQ(EvalIntCompare(Cond::kUle, Type::kI32, 5, 5), true);
  EXPECT_EQ(EvalIntCompare(Cond::kEq, Type::kI32, 0x1'00000005, 5), true);
  EXPECT_EQ(EvalIntCompare(Cond::kLt, Type::kI32, 0, 1), std::nullopt);  // a float condition
}

TEST(FoldTest, FloatBitOperations) {
  const uint64_t nan = 0x7fc00001u;
  EXPECT_EQ(EvalUnary(IrOpcode::kFneg, Type::kF32, Type::kF32, nan), 0xffc00001u);
  EXPECT_EQ(EvalUnary(IrOpcode::kFabs, Type::kF32, Type::kF32, 0xffc00001u), nan);
  EXPECT_EQ(EvalUnary(IrOpcode::kFneg, Type::kF64, Type::kF64, F64(0.0)), F64(-0.0));
  EXPECT_EQ(EvalBinary(IrOpcode::kFcopysign, Type::kF64, F64(2.0), F64(-0.0)), F64(-2.0));
  EXPECT_EQ(EvalBinary(IrOpcode::kFcopysign, Type::kF32, nan, F32(-1.0f)), 0xffc00001u);
  EXPECT_EQ(EvalUnary(IrOpcode::kBitcast, Type::kI32, Type::kF32, F32(1.0f)), 0x3f800000u);
  EXPECT_EQ(EvalUnary(IrOpcode::kBitcast, Type::kF64, Type::kI64, kM1_64), kM1_64);
}

TEST(FoldTest, FloatArithmeticIsNotFolded) {
  for (IrOpcode op : {IrOpcode::kFadd, IrOpcode::kFsub, IrOpcode::kFmul, IrOpcode::kFdiv,
                      IrOpcode::kFmin, IrOpcode::kFmax}) {
    EXPECT_EQ(EvalBinary(op, Type::kF64, F64(1.0), F64(2.0)), std::nullopt);
  }
  EXPECT_EQ(EvalUnary(IrOpcode::kFsqrt, Type::kF64, Type::kF64, F64(4.0)), std::nullopt);
  EXPECT_EQ(EvalUnary(IrOpcode::kFnearest, Type::kF32, Type::kF32, F32(2.5f)), std::nullopt);
}

TEST(FoldTest, ExactRoundingAndWidthChanges) {
  EXPECT_EQ(EvalUnary(IrOpcode::kFceil, Type::kF64, Type::kF64, F64(-0.5)), F64(-0.0));
  EXPECT_EQ(EvalUnary(IrOpcode::kFfloor, Type::kF32, Type::kF32, F32(-0.5f)), F32(-1.0f));
  EXPECT_EQ(EvalUnary(IrOpcode::kFtrunc, Type::kF32, Type::kF32, F32(2.75f)), F32(2.0f));
  EXPECT_EQ(EvalUnary(IrOpcode::kFceil, Type::kF32, Type::kF32, 0x7fc00000u), std::nullopt);
  EXPECT_EQ(EvalUnary(IrOpcode::kFpromote, Type::kF64, Type::kF32, F32(0.1f)), F64(double(0.1f)));
  EXPECT_EQ(EvalUnary(IrOpcode::kFpromote, Type::kF64, Type::kF32, 0x7fc00000u), std::nullopt);
  EXPECT_EQ(EvalUnary(IrOpcode::kFdemote, Type::kF32, Type::kF64, F64(0.5)), F32(0.5f));
  EXPECT_EQ(EvalUnary(IrOpcode::kFdemote, Type::kF32, Type::kF64, F64(0.1)), std::nullopt);
  EXPECT_EQ(EvalUnary(IrOpcode::kFdemote, Type::kF32, Type::kF64, F64(1e300)), std::nullopt);
  EXPECT_EQ(EvalUnary(IrOpcode::kFdemote, Type::kF32, Type::kF64, F64(-INFINITY)),
            F32(-INFINITY));
}

TEST(FoldTest, IntToFloatOnlyWhenExact) {
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromSint, Type::kF32, Type::kI32, 1 << 24), F32(16777216.0f));
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromSint, Type::kF32, Type::kI32, (1 << 24) + 1),
            std::nullopt);
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromSint, Type::kF32, Type::kI32, kI32Min),
            F32(-2147483648.0f));
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromUint, Type::kF32, Type::kI32, kI32Min),
            F32(2147483648.0f));
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromUint, Type::kF32, Type::kI32, kM1_32), std::nullopt);
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromSint, Type::kF32, Type::kI32, kM1_32), F32(-1.0f));
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromUint, Type::kF64, Type::kI32, kM1_32), F64(4294967295.0));
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromSint, Type::kF64, Type::kI64, kI64Min),
            F64(-9223372036854775808.0));
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromUint, Type::kF64, Type::kI64, kM1_64), std::nullopt);
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromUint, Type::kF64, Type::kI64, (uint64_t{1} << 53) + 1),
            std::nullopt);
  EXPECT_EQ(EvalUnary(IrOpcode::kFcvtFromSint, Type::kF64, Type::kI64, 0), F64(0.0));
}

TEST(FoldTest, FloatToIntTrapsOutOfRangeAndSaturates) {
  const auto to = [](IrOpcode op, Type result, Type operand, uint64_t bits) {
    return EvalUnary(op, result, operand, bits);
  };
  // In range: truncation toward zero.
  EXPECT_EQ(to(IrOpcode::kFcvtToSint, Type::kI32, Type::kF64, F64(-3.9)), uint32_t(-3));
  EXPECT_EQ(to(IrOpcode::kFcvtToSint, Type::kI32, Type::kF64, F64(-2147483648.9)), kI32Min);
  EXPECT_EQ(to(IrOpcode::kFcvtToSint, Type::kI32, Type::kF64, F64(2147483647.9)), 0x7fffffffu);
  EXPECT_EQ(to(IrOpcode::kFcvtToUint, Type::kI32, Type::kF64, F64(-0.9)), 0u);
  EXPECT_EQ(to(IrOpcode::kFcvtToUint, Type::kI32, Type::kF64, F64(4294967295.5)), kM1_32);
  EXPECT_EQ(to(IrOpcode::kFcvtToSint, Type::kI64, Type::kF64, F64(-9223372036854775808.0)),
            kI64Min);
  EXPECT_EQ(to(IrOpcode::kFcvtToUint, Type::kI64, Type::kF32, F32(18446742974197923840.0f)),
            18446742974197923840u);
  // Out of range or NaN: the trapping forms do not fold.
  EXPECT_EQ(to(IrOpcode::kFcvtToSint, Type::kI32, Type::kF64, F64(2147483648.0)), std::nullopt);
  EXPECT_EQ(to(IrOpcode::kFcvtToSint, Type::kI32, Type::kF64, F64(-2147483649.0)), std::nullopt);
  EXPECT_EQ(to(IrOpcode::kFcvtToUint, Type::kI32, Type::kF64, F64(-1.0)), std::nullopt);
  EXPECT_EQ(to(IrOpcode::kFcvtToSint, Type::kI64, Type::kF64, F64(9223372036854775808.0)),
            std::nullopt);
  EXPECT_EQ(to(IrOpcode::kFcvtToUint, Type::kI64, Type::kF64, F64(18446744073709551616.0)),
            std::nullopt);
  EXPECT_EQ(to(IrOpcode::kFcvtToSint, Type::kI32, Type::kF32, 0x7fc00000u), std::nullopt);
  EXPECT_EQ(to(IrOpcode::kFcvtToSint, Type::kI32, Type::kF32, F32(INFINITY)), std::nullopt);
  // The saturating forms clamp, NaN is 0.
  EXPECT_EQ(to(IrOpcode::kFcvtToSintSat, Type::kI32, Type::kF64, F64(1e10)), 0x7fffffffu);
  EXPECT_EQ(to(IrOpcode::kFcvtToSintSat, Type::kI32, Type::kF64, F64(-1e10)), kI32Min);
  EXPECT_EQ(to(IrOpcode::kFcvtToUintSat, Type::kI32, Type::kF64, F64(-1e10)), 0u);
  EXPECT_EQ(to(IrOpcode::kFcvtToUintSat, Type::kI64, Type::kF64, F64(INFINITY)), kM1_64);
  EXPECT_EQ(to(IrOpcode::kFcvtToSintSat, Type::kI64, Type::kF64, F64(-INFINITY)), kI64Min);
  EXPECT_EQ(to(IrOpcode::kFcvtToSintSat, Type::kI64, Type::kF32, 0xffc00000u), 0u);
}

TEST(FoldTest, FloatComparesFollowIeee) {
  const uint64_t nan = 0x7ff8000000000000u;
  for (Cond c : {Cond::kEq, Cond::kLt, Cond::kGt, Cond::kLe, Cond::kGe}) {
    EXPECT_EQ(EvalFloatCompare(c, Type::kF64, nan, F64(1.0)), false);
    EXPECT_EQ(EvalFloatCompare(c, Type::kF64, nan, nan), false);
  }
  EXPECT_EQ(EvalFloatCompare(Cond::kNe, Type::kF64, nan, nan), true);
  EXPECT_EQ(EvalFloatCompare(Cond::kEq, Type::kF32, F32(0.0f), F32(-0.0f)), true);
  EXPECT_EQ(EvalFloatCompare(Cond::kLt, Type::kF32, F32(-0.0f), F32(0.0f)), false);
  EXPECT_EQ(EvalFloatCompare(Cond::kGe, Type::kF32, F32(-INFINITY), F32(-1e38f)), false);
  EXPECT_EQ(EvalFloatCompare(Cond::kSlt, Type::kF32, 0, 0), std::nullopt);
}

}  // namespace
}  // namespace wasm::opt
