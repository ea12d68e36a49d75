// LinkError / trap statuses and their payloads.
#include "runtime/instance/instance_errors.h"

#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace wasm {
namespace {

constexpr absl::string_view kKindUrl = "type.wasm-plugin-host/instance-error-kind";
constexpr absl::string_view kTrapUrl = "type.wasm-plugin-host/trap-kind";

absl::Status TrapStatus(TrapKind kind, std::string message) {
  absl::Status status(absl::StatusCode::kAborted, std::move(message));
  status.SetPayload(kKindUrl, absl::Cord("trap"));
  status.SetPayload(kTrapUrl, absl::Cord(absl::StrCat(static_cast<int>(kind))));
  return status;
}

}  // namespace

absl::Status LinkError(absl::string_view spec_text, absl::string_view detail) {
  absl::Status status(
      absl::StatusCode::kFailedPrecondition,
      detail.empty() ? std::string(spec_text) : absl::StrCat(spec_text, " ", detail));
  status.SetPayload(kKindUrl, absl::Cord("link"));
  return status;
}

absl::Status TrapError(TrapKind kind, absl::string_view detail) {
  return TrapStatus(kind, detail.empty() ? std::string(TrapMessage(kind))
                                         : absl::StrCat(TrapMessage(kind), ": ", detail));
}

absl::Status TrapErrorWithBacktrace(TrapKind kind, absl::string_view backtrace) {
  return TrapStatus(kind, backtrace.empty() ? std::string(TrapMessage(kind))
                                            : absl::StrCat(TrapMessage(kind), "\n", backtrace));
}

absl::Status TrapErrorWithMessage(TrapKind kind, std::string message) {
  return TrapStatus(kind, std::move(message));
}

InstanceErrorKind GetInstanceErrorKind(const absl::Status& status) {
  if (status.ok()) return InstanceErrorKind::kNone;
  const auto kind = status.GetPayload(kKindUrl);
  if (!kind.has_value()) return InstanceErrorKind::kOther;
  if (*kind == "link") return InstanceErrorKind::kLink;
  if (*kind == "trap") return InstanceErrorKind::kTrap;
  return InstanceErrorKind::kOther;
}

std::optional<TrapKind> GetTrapKind(const absl::Status& status) {
  if (GetInstanceErrorKind(status) != InstanceErrorKind::kTrap) return std::nullopt;
  const auto payload = status.GetPayload(kTrapUrl);
  int value = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &value) || value < 0 ||
      static_cast<size_t>(value) >= kNumTrapKinds) {
    return std::nullopt;
  }
  return static_cast<TrapKind>(value);
}

}  // namespace wasm
