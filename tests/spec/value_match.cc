// Result matching for assert_return; see value_match.h for the rules.
#include "tests/spec/value_match.h"

#include <array>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "tests/spec/spec_script.h"

namespace wasm::spec {
namespace {

// The quiet bit and the exponent, and the sign-less canonical NaN, per width.
struct FloatShape {
  uint64_t sign_mask;
  uint64_t quiet_nan;  // exponent all ones + quiet bit: the canonical NaN
};
constexpr FloatShape kF32Shape = {0x80000000u, 0x7fc00000u};
constexpr FloatShape kF64Shape = {0x8000000000000000u, 0x7ff8000000000000u};

bool MatchBits(const Bits& expected, uint64_t actual, const FloatShape* shape) {
  switch (expected.nan) {
    case NanPattern::kNone: return expected.bits == actual;
    case NanPattern::kCanonical: return (actual & ~shape->sign_mask) == shape->quiet_nan;
    case NanPattern::kArithmetic: return (actual & shape->quiet_nan) == shape->quiet_nan;
  }
  return false;
}

int LaneBytes(LaneType type) { return 16 / LaneCount(type); }

const FloatShape* LaneShape(LaneType type) {
  if (type == LaneType::kF32) return &kF32Shape;
  if (type == LaneType::kF64) return &kF64Shape;
  return nullptr;
}

// The 16 bytes of a v128 with exact lanes, lane 0 first, little-endian as in
// linear memory. False if a lane carries a NaN pattern (not a concrete value)
// or the lane count does not fit the shape.
bool ToBytes(const Value& value, std::array<uint8_t, 16>& bytes) {
  int width = LaneBytes(value.lane_type);
  if (static_cast<int>(value.lanes.size()) != LaneCount(value.lane_type)) return false;
  for (size_t lane = 0; lane < value.lanes.size(); ++lane) {
    if (value.lanes[lane].nan != NanPattern::kNone) return false;
    for (int b = 0; b < width; ++b) {
      bytes[lane * width + b] = static_cast<uint8_t>(value.lanes[lane].bits >> (8 * b));
    }
  }
  return true;
}

absl::Status Mismatch(const Value& expected, const Value& actual) {
  return absl::FailedPreconditionError(
      absl::StrCat("expected ", ValueToString(expected), ", got ", ValueToString(actual)));
}

absl::Status MatchV128(const Value& expected, const Value& actual) {
  std::array<uint8_t, 16> bytes{};
  if (!ToBytes(actual, bytes)) return Mismatch(expected, actual);
  if (static_cast<int>(expected.lanes.size()) != LaneCount(expected.lane_type)) {
    return Mismatch(expected, actual);
  }
  int width = LaneBytes(expected.lane_type);
  const FloatShape* shape = LaneShape(expected.lane_type);
  for (size_t lane = 0; lane < expected.lanes.size(); ++lane) {
    uint64_t bits = 0;
    for (int b = 0; b < width; ++b) {
      bits |= static_cast<uint64_t>(bytes[lane * width + b]) << (8 * b);
    }
    if (!MatchBits(expected.lanes[lane], bits, shape)) return Mismatch(expected, actual);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status MatchValue(const Value& expected, const Value& actual) {
  if (expected.type != actual.type) return Mismatch(expected, actual);
  if (expected.unspecified) return absl::OkStatus();
  // An engine's result is always concrete.
  if (actual.unspecified) return Mismatch(expected, actual);
  switch (expected.type) {
    case ValueType::kI32:
    case ValueType::kI64:
      if (actual.scalar.nan != NanPattern::kNone ||
          !MatchBits(expected.scalar, actual.scalar.bits, nullptr)) {
        return Mismatch(expected, actual);
      }
      return absl::OkStatus();
    case ValueType::kF32:
    case ValueType::kF64: {
      const FloatShape* shape = expected.type == ValueType::kF32 ? &kF32Shape : &kF64Shape;
      if (actual.scalar.nan != NanPattern::kNone ||
          !MatchBits(expected.scalar, actual.scalar.bits, shape)) {
        return Mismatch(expected, actual);
      }
      return absl::OkStatus();
    }
    case ValueType::kFuncRef:
      // A function reference's number is the engine's own handle, so a
      // non-null expectation can only ask for non-null.
      if (expected.is_null != actual.is_null) return Mismatch(expected, actual);
      return absl::OkStatus();
    case ValueType::kExternRef:
      if (expected.is_null != actual.is_null ||
          (!expected.is_null && expected.scalar.bits != actual.scalar.bits)) {
        return Mismatch(expected, actual);
      }
      return absl::OkStatus();
    case ValueType::kV128: return MatchV128(expected, actual);
  }
  return Mismatch(expected, actual);
}

absl::Status MatchResults(absl::Span<const Value> expected, absl::Span<const Value> actual) {
  if (expected.size() != actual.size()) {
    return absl::FailedPreconditionError(
        absl::StrCat("expected ", expected.size(), " results, got ", actual.size()));
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    absl::Status match = MatchValue(expected[i], actual[i]);
    if (!match.ok()) {
      return absl::FailedPreconditionError(absl::StrCat("result ", i, ": ", match.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace wasm::spec
