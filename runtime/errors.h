// Compile-time errors of the decoder and validator.
//
// Every error carries the byte offset where it was found, the function index
// where one applies, and the spec's wording ("unexpected end", "type
// mismatch", "unknown function 7"). The message reads
//
//   at byte 0x2a in function 3: type mismatch: i32.add expects i32, got f32
//
// and the error's kind (malformed = the binary format is broken; invalid = the
// bytes decode but break a validation rule) rides along as a Status payload, so
// the host can map both to the JS API's CompileError while the spec runner can
// still tell assert_malformed from assert_invalid.
#ifndef RUNTIME_ERRORS_H_
#define RUNTIME_ERRORS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace wasm {

enum class ErrorKind { kNone, kMalformed, kInvalid, kOther };

// Sentinel for "no function applies".
inline constexpr uint32_t kNoFunction = 0xffffffffu;

// Builds a decode error: the binary format itself is broken.
absl::Status MalformedError(size_t offset, absl::string_view spec_text,
                            uint32_t func_index = kNoFunction);
// Builds a malformed error whose location is not a byte offset but given as
// text, e.g. "3:14" (line:column) for the text-format parser. The message reads
// "<location>: <spec_text>"; the kind is malformed.
absl::Status MalformedErrorAt(absl::string_view location, absl::string_view spec_text);
// Builds a validation error: well-formed bytes that break a typing rule.
absl::Status InvalidError(size_t offset, absl::string_view spec_text,
                          uint32_t func_index = kNoFunction);

// Which kind of compile error `status` is (kNone for OK, kOther when it is not
// a decoder / validator error).
ErrorKind GetErrorKind(const absl::Status& status);

// The spec-wording part of the message ("type mismatch: ..."), without the
// location prefix. Empty for OK.
std::string SpecText(const absl::Status& status);

}  // namespace wasm

#endif  // RUNTIME_ERRORS_H_
