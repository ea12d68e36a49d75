// Tests the assert_return matching rules: exact bits, NaN patterns, references
// and v128 lanes in differing shapes.
#include "tests/spec/value_match.h"

#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/spec/spec_script.h"

namespace wasm::spec {
namespace {

using ::testing::HasSubstr;

Value Scalar(ValueType type, uint64_t bits, NanPattern nan = NanPattern::kNone) {
  Value value;
  value.type = type;
  value.scalar = {bits, nan};
  return value;
}

Value Ref(ValueType type, bool is_null, uint64_t number = 0) {
  Value value;
  value.type = type;
  value.is_null = is_null;
  value.scalar.bits = number;
  return value;
}

Value V128(LaneType lane_type, std::vector<Bits> lanes) {
  Value value;
  value.type = ValueType::kV128;
  value.lane_type = lane_type;
  value.lanes = std::move(lanes);
  return value;
}

TEST(ValueMatchTest, IntegersCompareBits) {
  EXPECT_TRUE(MatchValue(Scalar(ValueType::kI32, 7), Scalar(ValueType::kI32, 7)).ok());
  EXPECT_THAT(MatchValue(Scalar(ValueType::kI32, 7), Scalar(ValueType::kI32, 8)).message(),
              HasSubstr("expected i32:7, got i32:8"));
  EXPECT_FALSE(MatchValue(Scalar(ValueType::kI32, 7), Scalar(ValueType::kI64, 7)).ok());
}

TEST(ValueMatchTest, FloatsCompareBitsNotValues) {
  // -0.0 and +0.0 are equal as floats but not as results.
  EXPECT_FALSE(MatchValue(Scalar(ValueType::kF32, 0), Scalar(ValueType::kF32, 0x80000000u)).ok());
  // A specific NaN payload must be reproduced exactly.
  EXPECT_TRUE(
      MatchValue(Scalar(ValueType::kF32, 0x7fa00000u), Scalar(ValueType::kF32, 0x7fa00000u)).ok());
  EXPECT_FALSE(
      MatchValue(Scalar(ValueType::kF32, 0x7fa00000u), Scalar(ValueType::kF32, 0x7fc00000u)).ok());
}

TEST(ValueMatchTest, CanonicalNan) {
  Value f32 = Scalar(ValueType::kF32, 0, NanPattern::kCanonical);
  EXPECT_TRUE(MatchValue(f32, Scalar(ValueType::kF32, 0x7fc00000u)).ok());
  EXPECT_TRUE(MatchValue(f32, Scalar(ValueType::kF32, 0xffc00000u)).ok());
  EXPECT_FALSE(MatchValue(f32, Scalar(ValueType::kF32, 0x7fc00001u)).ok());
  EXPECT_FALSE(MatchValue(f32, Scalar(ValueType::kF32, 0x7f800000u)).ok());  // infinity
  Value f64 = Scalar(ValueType::kF64, 0, NanPattern::kCanonical);
  EXPECT_TRUE(MatchValue(f64, Scalar(ValueType::kF64, 0xfff8000000000000u)).ok());
  EXPECT_FALSE(MatchValue(f64, Scalar(ValueType::kF64, 0x7ff8000000000001u)).ok());
}

TEST(ValueMatchTest, ArithmeticNan) {
  Value f32 = Scalar(ValueType::kF32, 0, NanPattern::kArithmetic);
  EXPECT_TRUE(MatchValue(f32, Scalar(ValueType::kF32, 0x7fc00001u)).ok());
  EXPECT_TRUE(MatchValue(f32, Scalar(ValueType::kF32, 0xffc00000u)).ok());
  EXPECT_FALSE(MatchValue(f32, Scalar(ValueType::kF32, 0x7fa00000u)).ok());  // signalling
  Value f64 = Scalar(ValueType::kF64, 0, NanPattern::kArithmetic);
  EXPECT_TRUE(MatchValue(f64, Scalar(ValueType::kF64, 0x7ffc000000000000u)).ok());
  EXPECT_FALSE(MatchValue(f64, Scalar(ValueType::kF64, 0x7ff4000000000000u)).ok());
}

TEST(ValueMatchTest, References) {
  EXPECT_TRUE(MatchValue(Ref(ValueType::kExternRef, true), Ref(ValueType::kExternRef, true)).ok());
  EXPECT_FALSE(
      MatchValue(Ref(ValueType::kExternRef, true), Ref(ValueType::kExternRef, false, 0)).ok());
  EXPECT_TRUE(
      MatchValue(Ref(ValueType::kExternRef, false, 3), Ref(ValueType::kExternRef, false, 3)).ok());
  EXPECT_FALSE(
      MatchValue(Ref(ValueType::kExternRef, false, 3), Ref(ValueType::kExternRef, false, 4)).ok());
  // A funcref's number is the engine's handle: any non-null matches non-null.
  EXPECT_TRUE(
      MatchValue(Ref(ValueType::kFuncRef, false, 0), Ref(ValueType::kFuncRef, false, 9)).ok());
  EXPECT_FALSE(MatchValue(Ref(ValueType::kFuncRef, true), Ref(ValueType::kFuncRef, false, 9)).ok());
}

TEST(ValueMatchTest, UnspecifiedMatchesItsType) {
  Value any_i32;
  any_i32.type = ValueType::kI32;
  any_i32.unspecified = true;
  EXPECT_TRUE(MatchValue(any_i32, Scalar(ValueType::kI32, 12345)).ok());
  EXPECT_FALSE(MatchValue(any_i32, Scalar(ValueType::kF32, 0)).ok());
}

TEST(ValueMatchTest, V128InAnotherLaneShape) {
  // i32x4 [1 2 3 4] is i64x2 [0x0000000200000001 0x0000000400000003].
  Value expected = V128(LaneType::kI32, {{1}, {2}, {3}, {4}});
  Value actual = V128(LaneType::kI64, {{0x0000000200000001u}, {0x0000000400000003u}});
  EXPECT_TRUE(MatchValue(expected, actual).ok());
  Value wrong = V128(LaneType::kI64, {{0x0000000200000001u}, {0x0000000500000003u}});
  EXPECT_FALSE(MatchValue(expected, wrong).ok());
  // i8 lanes, little-endian.
  Value bytes =
      V128(LaneType::kI8,
           {{1}, {0}, {0}, {0}, {2}, {0}, {0}, {0}, {3}, {0}, {0}, {0}, {4}, {0}, {0}, {0}});
  EXPECT_TRUE(MatchValue(expected, bytes).ok());
}

TEST(ValueMatchTest, V128NanLanes) {
  Value expected =
      V128(LaneType::kF32,
           {{0, NanPattern::kCanonical}, {0x3f800000u}, {0, NanPattern::kArithmetic}, {0}});
  Value actual = V128(LaneType::kF32, {{0xffc00000u}, {0x3f800000u}, {0x7fc12345u}, {0}});
  EXPECT_TRUE(MatchValue(expected, actual).ok());
  Value not_canonical = V128(LaneType::kF32, {{0x7fc00001u}, {0x3f800000u}, {0x7fc12345u}, {0}});
  EXPECT_FALSE(MatchValue(expected, not_canonical).ok());
}

TEST(ValueMatchTest, ResultLists) {
  std::vector<Value> expected = {Scalar(ValueType::kI32, 1), Scalar(ValueType::kI64, 2)};
  EXPECT_TRUE(MatchResults(expected, expected).ok());
  EXPECT_THAT(MatchResults(expected, {Scalar(ValueType::kI32, 1)}).message(),
              HasSubstr("expected 2 results, got 1"));
  std::vector<Value> wrong = {Scalar(ValueType::kI32, 1), Scalar(ValueType::kI64, 3)};
  EXPECT_THAT(MatchResults(expected, wrong).message(),
              HasSubstr("result 1: expected i64:2, got i64:3"));
}

}  // namespace
}  // namespace wasm::spec
