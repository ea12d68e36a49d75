#include "runtime/text/numeric.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace wasm::text {
namespace {

bool IsDigit(char c, bool hex) {
  if (c >= '0' && c <= '9') return true;
  return hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

uint32_t DigitValue(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint32_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<uint32_t>(c - 'a' + 10);
  return static_cast<uint32_t>(c - 'A' + 10);
}

// Reads `digit ('_'? digit)*` at `pos`, appending the digits (without `_`) to
// `out`. False if there is no digit at `pos` or an `_` is not between digits.
bool ReadDigits(absl::string_view text, size_t& pos, bool hex, std::string& out) {
  if (pos >= text.size() || !IsDigit(text[pos], hex)) return false;
  while (pos < text.size()) {
    char c = text[pos];
    if (IsDigit(c, hex)) {
      out.push_back(c);
      ++pos;
    } else if (c == '_') {
      if (pos + 1 >= text.size() || !IsDigit(text[pos + 1], hex)) return false;
      ++pos;
    } else {
      break;
    }
  }
  return true;
}

// Strips an optional sign; returns true for '-'.
bool ReadSign(absl::string_view text, size_t& pos, bool* had_sign) {
  *had_sign = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    *had_sign = true;
    return text[pos++] == '-';
  }
  return false;
}

bool HasHexPrefix(absl::string_view text, size_t pos) {
  return pos + 1 < text.size() && text[pos] == '0' && (text[pos + 1] == 'x' || text[pos + 1] == 'X');
}

// The magnitude of an unsigned literal (decimal or 0x hex) starting at `pos`
// and running to the end of `text`, saturating: kRange above `max`.
NumStatus ParseMagnitude(absl::string_view text, size_t pos, uint64_t max, uint64_t* out) {
  bool hex = HasHexPrefix(text, pos);
  if (hex) pos += 2;
  std::string digits;
  if (!ReadDigits(text, pos, hex, digits) || pos != text.size()) return NumStatus::kSyntax;
  uint64_t base = hex ? 16 : 10;
  uint64_t value = 0;
  bool overflow = false;
  for (char c : digits) {
    uint64_t d = DigitValue(c);
    if (d > max || value > (max - d) / base) {
      overflow = true;  // keep scanning: a syntax error elsewhere is not possible now
      break;
    }
    value = value * base + d;
  }
  if (overflow) return NumStatus::kRange;
  *out = value;
  return NumStatus::kOk;
}

NumStatus ParseInt(absl::string_view text, int bits_width, uint64_t* bits) {
  size_t pos = 0;
  bool had_sign;
  bool negative = ReadSign(text, pos, &had_sign);
  const uint64_t umax = bits_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bits_width) - 1;
  const uint64_t half = uint64_t{1} << (bits_width - 1);
  uint64_t max = !had_sign ? umax : negative ? half : half - 1;
  uint64_t magnitude;
  NumStatus status = ParseMagnitude(text, pos, max, &magnitude);
  if (status != NumStatus::kOk) return status;
  uint64_t value = negative ? (~magnitude + 1) : magnitude;
  *bits = value & umax;
  return NumStatus::kOk;
}

// Checks the float grammar and returns the literal without `_` separators in
// `clean` (with its sign), ready for strtod. Handles the finite forms only.
bool CleanFloat(absl::string_view text, std::string& clean) {
  size_t pos = 0;
  bool had_sign;
  if (ReadSign(text, pos, &had_sign)) clean.push_back('-');
  bool hex = HasHexPrefix(text, pos);
  if (hex) {
    clean += "0x";
    pos += 2;
  }
  if (!ReadDigits(text, pos, hex, clean)) return false;
  if (pos < text.size() && text[pos] == '.') {
    clean.push_back('.');
    ++pos;
    if (pos < text.size() && IsDigit(text[pos], hex) && !ReadDigits(text, pos, hex, clean)) {
      return false;
    }
  }
  if (pos < text.size()) {
    char e = text[pos];
    bool is_exp = hex ? (e == 'p' || e == 'P') : (e == 'e' || e == 'E');
    if (!is_exp) return false;
    clean.push_back(e);
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) clean.push_back(text[pos++]);
    if (!ReadDigits(text, pos, false, clean)) return false;
  }
  if (hex && clean.find_first_of("pP") == std::string::npos) clean += "p0";
  return pos == text.size();
}

// `inf`, `nan` and `nan:0x...` with optional sign. Returns kSyntax if the
// text is not one of these (it may still be a finite literal).
template <typename Bits>
NumStatus ParseSpecialFloat(absl::string_view text, int mantissa_bits, Bits* out) {
  size_t pos = 0;
  bool had_sign;
  bool negative = ReadSign(text, pos, &had_sign);
  absl::string_view rest = text.substr(pos);
  const Bits sign = negative ? Bits{1} << (sizeof(Bits) * 8 - 1) : Bits{0};
  const Bits exponent = ((Bits{1} << (sizeof(Bits) * 8 - 1 - mantissa_bits)) - 1) << mantissa_bits;
  if (rest == "inf") {
    *out = sign | exponent;
    return NumStatus::kOk;
  }
  if (rest == "nan") {
    *out = sign | exponent | (Bits{1} << (mantissa_bits - 1));
    return NumStatus::kOk;
  }
  if (rest.substr(0, 6) == "nan:0x") {
    uint64_t payload;
    const uint64_t max = (uint64_t{1} << mantissa_bits) - 1;
    NumStatus status = ParseMagnitude(rest, 4, max, &payload);
    if (status != NumStatus::kOk) return status;
    if (payload == 0) return NumStatus::kRange;
    *out = sign | exponent | static_cast<Bits>(payload);
    return NumStatus::kOk;
  }
  return NumStatus::kSyntax;
}

}  // namespace

NumStatus ParseUnsigned(absl::string_view text, uint64_t max, uint64_t* out) {
  return ParseMagnitude(text, 0, max, out);
}

NumStatus ParseI32(absl::string_view text, uint32_t* bits) {
  uint64_t value;
  NumStatus status = ParseInt(text, 32, &value);
  if (status == NumStatus::kOk) *bits = static_cast<uint32_t>(value);
  return status;
}

NumStatus ParseI64(absl::string_view text, uint64_t* bits) { return ParseInt(text, 64, bits); }

NumStatus ParseF32(absl::string_view text, uint32_t* bits) {
  NumStatus special = ParseSpecialFloat<uint32_t>(text, 23, bits);
  if (special != NumStatus::kSyntax) return special;
  std::string clean;
  if (!CleanFloat(text, clean)) return NumStatus::kSyntax;
  float value = std::strtof(clean.c_str(), nullptr);
  if (std::isinf(value)) return NumStatus::kRange;
  std::memcpy(bits, &value, sizeof(value));
  return NumStatus::kOk;
}

NumStatus ParseF64(absl::string_view text, uint64_t* bits) {
  NumStatus special = ParseSpecialFloat<uint64_t>(text, 52, bits);
  if (special != NumStatus::kSyntax) return special;
  std::string clean;
  if (!CleanFloat(text, clean)) return NumStatus::kSyntax;
  double value = std::strtod(clean.c_str(), nullptr);
  if (std::isinf(value)) return NumStatus::kRange;
  std::memcpy(bits, &value, sizeof(value));
  return NumStatus::kOk;
}

}  // namespace wasm::text
