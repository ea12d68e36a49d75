#include "runtime/text/numeric.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace wasm::text {
namespace {

uint32_t I32(const char* text) {
  uint32_t bits = 0xdeadbeef;
  EXPECT_EQ(ParseI32(text, &bits), NumStatus::kOk) << text;
  return bits;
}

uint64_t I64(const char* text) {
  uint64_t bits = 0xdeadbeef;
  EXPECT_EQ(ParseI64(text, &bits), NumStatus::kOk) << text;
  return bits;
}

uint32_t F32(const char* text) {
  uint32_t bits = 0xdeadbeef;
  EXPECT_EQ(ParseF32(text, &bits), NumStatus::kOk) << text;
  return bits;
}

uint64_t F64(const char* text) {
  uint64_t bits = 0xdeadbeef;
  EXPECT_EQ(ParseF64(text, &bits), NumStatus::kOk) << text;
  return bits;
}

TEST(NumericTest, Integers) {
  EXPECT_EQ(I32("0"), 0u);
  EXPECT_EQ(I32("1_000"), 1000u);
  EXPECT_EQ(I32("0xff_ff"), 0xffffu);
  EXPECT_EQ(I32("4294967295"), 0xffffffffu);
  EXPECT_EQ(I32("-2147483648"), 0x80000000u);
  EXPECT_EQ(I32("-0x8000_0000"), 0x80000000u);
  EXPECT_EQ(I32("+2147483647"), 0x7fffffffu);
  EXPECT_EQ(I32("-1"), 0xffffffffu);
  EXPECT_EQ(I64("18446744073709551615"), ~uint64_t{0});
  EXPECT_EQ(I64("-9223372036854775808"), uint64_t{1} << 63);
  EXPECT_EQ(I64("0x7fff_ffff_ffff_ffff"), 0x7fffffffffffffffu);
}

TEST(NumericTest, IntegerRangeAndSyntax) {
  uint32_t b32;
  uint64_t b64;
  EXPECT_EQ(ParseI32("4294967296", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseI32("-2147483649", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseI32("+2147483648", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseI32("0x100000000", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseI32("99999999999999999999999999999999", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseI64("18446744073709551616", &b64), NumStatus::kRange);
  EXPECT_EQ(ParseI64("-9223372036854775809", &b64), NumStatus::kRange);
  for (const char* bad : {"", "-", "0x", "_1", "1_", "1__0", "0x_1", "0_x1", "1x", "1.0", "+_1"}) {
    EXPECT_EQ(ParseI32(bad, &b32), NumStatus::kSyntax) << bad;
  }
  uint64_t u;
  EXPECT_EQ(ParseUnsigned("-1", 100, &u), NumStatus::kSyntax);
  EXPECT_EQ(ParseUnsigned("101", 100, &u), NumStatus::kRange);
  EXPECT_EQ(ParseUnsigned("0x64", 100, &u), NumStatus::kOk);
  EXPECT_EQ(u, 100u);
}

TEST(NumericTest, Floats) {
  EXPECT_EQ(F32("0"), 0u);
  EXPECT_EQ(F32("-0.0"), 0x80000000u);
  EXPECT_EQ(F32("1"), 0x3f800000u);
  EXPECT_EQ(F32("1."), 0x3f800000u);
  EXPECT_EQ(F32("1e1_0"), 0x501502f9u);
  EXPECT_EQ(F32("0x1p-149"), 0x00000001u);
  EXPECT_EQ(F32("0x1.fffffep127"), 0x7f7fffffu);
  EXPECT_EQ(F32("0x1p+0"), 0x3f800000u);
  EXPECT_EQ(F32("0x1.8"), 0x3fc00000u);
  // Rounding happens once, at f32 width: ties to even.
  EXPECT_EQ(F32("0x1.000001p0"), 0x3f800000u);
  EXPECT_EQ(F32("0x1.000003p0"), 0x3f800002u);
  EXPECT_EQ(F32("0x1.00000100000000000001p0"), 0x3f800001u);
  EXPECT_EQ(F32("1.000000059604644775390625"), 0x3f800000u);
  EXPECT_EQ(F32("1.000000059604644775390626"), 0x3f800001u);
  EXPECT_EQ(F64("0.1"), 0x3fb999999999999au);
  EXPECT_EQ(F64("0x1.fffffffffffffp1023"), 0x7fefffffffffffffu);
  EXPECT_EQ(F64("1e-400"), 0u);
}

TEST(NumericTest, SpecialFloats) {
  EXPECT_EQ(F32("inf"), 0x7f800000u);
  EXPECT_EQ(F32("-inf"), 0xff800000u);
  EXPECT_EQ(F32("nan"), 0x7fc00000u);
  EXPECT_EQ(F32("-nan"), 0xffc00000u);
  EXPECT_EQ(F32("nan:0x1"), 0x7f800001u);
  EXPECT_EQ(F32("+nan:0x7f_ffff"), 0x7fffffffu);
  EXPECT_EQ(F64("nan"), 0x7ff8000000000000u);
  EXPECT_EQ(F64("-nan:0xf_ffff_ffff_ffff"), 0xffffffffffffffffu);
}

TEST(NumericTest, FloatRangeAndSyntax) {
  uint32_t b32;
  uint64_t b64;
  EXPECT_EQ(ParseF32("0x1p128", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseF32("0x1.ffffffp127", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseF32("1e39", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseF32("nan:0x0", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseF32("nan:0x80_0000", &b32), NumStatus::kRange);
  EXPECT_EQ(ParseF64("1e309", &b64), NumStatus::kRange);
  EXPECT_EQ(ParseF64("nan:0x10_0000_0000_0000", &b64), NumStatus::kRange);
  for (const char* bad : {".0", "0e", "0e+", "0x", "0x.", "0x0p", "0x0p-", "0x0.g", "1._0",
                          "1.0_", "1_e1", "0x1p_1", "nan:1", "nan:canonical", "infinity", "1x"}) {
    EXPECT_EQ(ParseF32(bad, &b32), NumStatus::kSyntax) << bad;
    EXPECT_EQ(ParseF64(bad, &b64), NumStatus::kSyntax) << bad;
  }
}

}  // namespace
}  // namespace wasm::text
