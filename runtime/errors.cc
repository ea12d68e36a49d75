#include "runtime/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace wasm {
namespace {

constexpr absl::string_view kKindUrl = "type.wasm-plugin-host/compile-error-kind";
constexpr absl::string_view kTextUrl = "type.wasm-plugin-host/spec-text";

absl::Status BuildWithMessage(ErrorKind kind, std::string message, absl::string_view text) {
  absl::Status status(absl::StatusCode::kInvalidArgument, message);
  status.SetPayload(kKindUrl, absl::Cord(kind == ErrorKind::kMalformed ? "malformed" : "invalid"));
  status.SetPayload(kTextUrl, absl::Cord(text));
  return status;
}

absl::Status Build(ErrorKind kind, size_t offset, absl::string_view text,
                   uint32_t func_index) {
  std::string message = absl::StrCat("at byte 0x", absl::Hex(offset));
  if (func_index != kNoFunction) absl::StrAppend(&message, " in function ", func_index);
  absl::StrAppend(&message, ": ", text);
  return BuildWithMessage(kind, std::move(message), text);
}

}  // namespace

absl::Status MalformedError(size_t offset, absl::string_view spec_text, uint32_t func_index) {
  return Build(ErrorKind::kMalformed, offset, spec_text, func_index);
}

absl::Status MalformedErrorAt(absl::string_view location, absl::string_view spec_text) {
  return BuildWithMessage(ErrorKind::kMalformed, absl::StrCat(location, ": ", spec_text),
                          spec_text);
}

absl::Status InvalidError(size_t offset, absl::string_view spec_text, uint32_t func_index) {
  return Build(ErrorKind::kInvalid, offset, spec_text, func_index);
}

ErrorKind GetErrorKind(const absl::Status& status) {
  if (status.ok()) return ErrorKind::kNone;
  auto kind = status.GetPayload(kKindUrl);
  if (!kind.has_value()) return ErrorKind::kOther;
  return *kind == "malformed" ? ErrorKind::kMalformed : ErrorKind::kInvalid;
}

std::string SpecText(const absl::Status& status) {
  if (status.ok()) return "";
  auto text = status.GetPayload(kTextUrl);
  if (!text.has_value()) return std::string(status.message());
  return std::string(*text);
}

}  // namespace wasm
