// The outcome markers of engine.h: a Status payload names the marker.
#include "tests/spec/engine.h"

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"

namespace wasm::spec {
namespace {

constexpr absl::string_view kOutcomeUrl = "type.googleapis.com/wasm.spec.EngineOutcome";
constexpr absl::string_view kUnsupported = "unsupported";
constexpr absl::string_view kTrap = "trap";
constexpr absl::string_view kLink = "link";

absl::Status Marked(absl::Status status, absl::string_view marker) {
  status.SetPayload(kOutcomeUrl, absl::Cord(marker));
  return status;
}

bool HasMarker(const absl::Status& status, absl::string_view marker) {
  if (status.ok()) return false;
  auto payload = status.GetPayload(kOutcomeUrl);  // absl::optional here
  return payload.has_value() && *payload == marker;
}

}  // namespace

absl::Status UnsupportedError(absl::string_view what) {
  return Marked(absl::UnimplementedError(what), kUnsupported);
}

absl::Status TrapError(absl::string_view spec_text) {
  return Marked(absl::AbortedError(spec_text), kTrap);
}

absl::Status LinkError(absl::string_view message) {
  return Marked(absl::FailedPreconditionError(message), kLink);
}

bool IsUnsupported(const absl::Status& status) { return HasMarker(status, kUnsupported); }
bool IsTrap(const absl::Status& status) { return HasMarker(status, kTrap); }
bool IsLinkError(const absl::Status& status) { return HasMarker(status, kLink); }

}  // namespace wasm::spec
