// Numeric literals of the text format (text/values.html): integers with
// optional sign, `0x` hex and `_` separators; floats in decimal or hex, `inf`,
// `nan` and `nan:0x<payload>`.
//
// Every parser returns a NumStatus instead of a Status so the caller can
// choose the spec's wording: kSyntax is not a number at all (the reference
// interpreter's "unknown operator"), kRange is a number that does not fit
// ("constant out of range").
//
//   uint32_t bits;
//   ParseI32("-0x8000_0000", &bits);   // kOk, bits == 0x80000000
//   ParseF32("0x1p128", &bits);        // kRange: rounds to infinity
//
// Floats are rounded to nearest, ties to even, exactly once: the digits
// (without `_`) go to glibc's strtof / strtod, which round decimal and hex
// input correctly for the target width (f32 never goes through double).
#ifndef RUNTIME_TEXT_NUMERIC_H_
#define RUNTIME_TEXT_NUMERIC_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace wasm::text {

enum class NumStatus : uint8_t { kOk, kSyntax, kRange };

// An unsigned integer (no sign) up to `max`: indices, limits, offsets.
NumStatus ParseUnsigned(absl::string_view text, uint64_t max, uint64_t* out);

// iN: unsigned up to 2^N-1, or signed from -2^(N-1) up to 2^(N-1)-1 with an
// explicit sign; the result is the two's complement bit pattern.
NumStatus ParseI32(absl::string_view text, uint32_t* bits);
NumStatus ParseI64(absl::string_view text, uint64_t* bits);

// fN: the IEEE bit pattern.
NumStatus ParseF32(absl::string_view text, uint32_t* bits);
NumStatus ParseF64(absl::string_view text, uint64_t* bits);

}  // namespace wasm::text

#endif  // RUNTIME_TEXT_NUMERIC_H_
