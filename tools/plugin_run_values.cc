#include "tools/plugin_run_values.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace wasm::plugin_run {
namespace {

absl::Status Bad(ValType type, absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid ", ValTypeName(type), " argument \"", text, "\": ", why));
}

// An integer of `bits` width: signed or unsigned range, decimal or hex.
absl::StatusOr<uint64_t> ParseInt(ValType type, absl::string_view text, int bits) {
  std::string s = absl::StrReplaceAll(text, {{"_", ""}});
  bool negative = false;
  absl::string_view v = s;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    base = 16;
    v.remove_prefix(2);
  }
  if (v.empty()) return Bad(type, text, "not a number");
  uint64_t magnitude = 0;
  for (char c : v) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return Bad(type, text, "not a number");
    if (magnitude > (~uint64_t{0} - d) / base) return Bad(type, text, "out of range");
    magnitude = magnitude * base + d;
  }
  const uint64_t unsigned_max = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  const uint64_t negative_max = uint64_t{1} << (bits - 1);
  if (negative ? magnitude > negative_max : magnitude > unsigned_max) {
    return Bad(type, text, "out of range");
  }
  uint64_t value = negative ? (~magnitude + 1) : magnitude;
  return bits == 64 ? value : value & unsigned_max;
}

absl::StatusOr<double> ParseFloat(ValType type, absl::string_view text, uint64_t* nan_payload) {
  std::string s = absl::AsciiStrToLower(absl::StrReplaceAll(text, {{"_", ""}}));
  bool negative = false;
  absl::string_view v = s;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  *nan_payload = 0;
  if (v == "inf" || v == "infinity") return negative ? -INFINITY : INFINITY;
  if (v == "nan" || absl::StartsWith(v, "nan:0x")) {
    if (v.size() > 3) {
      absl::StatusOr<uint64_t> p = ParseInt(ValType::kI64, absl::StrCat("0x", v.substr(6)), 64);
      if (!p.ok() || *p == 0) return Bad(type, text, "bad nan payload");
      *nan_payload = *p;
    }
    return negative ? -NAN : NAN;
  }
  if (v.empty()) return Bad(type, text, "not a number");
  const std::string whole(s);
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(whole.c_str(), &end);
  if (end == whole.c_str() || *end != '\0') return Bad(type, text, "not a number");
  return d;
}

}  // namespace

absl::StatusOr<api::Value> ParseValue(ValType type, absl::string_view text) {
  switch (type) {
    case ValType::kI32: {
      absl::StatusOr<uint64_t> v = ParseInt(type, text, 32);
      if (!v.ok()) return v.status();
      return api::Value::I32(static_cast<int32_t>(static_cast<uint32_t>(*v)));
    }
    case ValType::kI64: {
      absl::StatusOr<uint64_t> v = ParseInt(type, text, 64);
      if (!v.ok()) return v.status();
      return api::Value::I64(static_cast<int64_t>(*v));
    }
    case ValType::kF32:
    case ValType::kF64: {
      uint64_t payload = 0;
      // f32 from its own decimal string (strtof rounds once, correctly).
      if (type == ValType::kF32) {
        absl::StatusOr<double> d = ParseFloat(type, text, &payload);
        if (!d.ok()) return d.status();
        float f;
        if (std::isnan(*d) || std::isinf(*d)) {
          f = static_cast<float>(*d);
        } else {
          const std::string s = absl::StrReplaceAll(text, {{"_", ""}});
          f = std::strtof(s.c_str(), nullptr);
        }
        api::Value v = api::Value::F32(f);
        if (payload != 0) {
          if (payload >= (1u << 23)) return Bad(type, text, "nan payload too large");
          uint32_t bits = (static_cast<uint32_t>(v.bits()) & 0xff800000u) | static_cast<uint32_t>(payload);
          return api::Value::FromBits(ValType::kF32, bits);
        }
        return v;
      }
      absl::StatusOr<double> d = ParseFloat(type, text, &payload);
      if (!d.ok()) return d.status();
      api::Value v = api::Value::F64(*d);
      if (payload != 0) {
        if (payload >= (uint64_t{1} << 52)) return Bad(type, text, "nan payload too large");
        return api::Value::FromBits(ValType::kF64, (v.bits() & 0xfff0000000000000ull) | payload);
      }
      return v;
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(ValTypeName(type), " arguments cannot be given on the command line"));
  }
}

std::string FormatValue(const api::Value& value) {
  switch (value.type()) {
    case ValType::kI32: return absl::StrCat(value.i32());
    case ValType::kI64: return absl::StrCat(value.i64());
    case ValType::kF32: {
      const float f = value.f32();
      if (std::isnan(f)) return std::signbit(f) ? "-nan" : "nan";
      if (std::isinf(f)) return f < 0 ? "-inf" : "inf";
      for (int digits = 1; digits <= 9; ++digits) {
        std::string s = absl::StrFormat("%.*g", digits, f);
        if (std::strtof(s.c_str(), nullptr) == f) return s;
      }
      return absl::StrFormat("%.9g", f);
    }
    case ValType::kF64: {
      const double d = value.f64();
      if (std::isnan(d)) return std::signbit(d) ? "-nan" : "nan";
      if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
      for (int digits = 1; digits <= 17; ++digits) {
        std::string s = absl::StrFormat("%.*g", digits, d);
        if (std::strtod(s.c_str(), nullptr) == d) return s;
      }
      return absl::StrFormat("%.17g", d);
    }
    default:
      return value.bits() == 0 ? "null" : absl::StrCat("ref(", value.bits(), ")");
  }
}

}  // namespace wasm::plugin_run
