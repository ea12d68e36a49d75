#include "host/api/errors.h"

#include "absl/strings/cord.h"
#include "runtime/errors.h"
#include "runtime/instance/instance_errors.h"

namespace wasm::api {
namespace {

constexpr absl::string_view kClassUrl = "type.wasm-plugin-host/api-error-class";

absl::Status Make(absl::StatusCode code, ErrorClass c, absl::string_view message) {
  absl::Status status(code, message);
  status.SetPayload(kClassUrl, absl::Cord(ErrorClassName(c)));
  return status;
}

}  // namespace

absl::Status CompileError(absl::string_view m) {
  return Make(absl::StatusCode::kInvalidArgument, ErrorClass::kCompileError, m);
}
absl::Status LinkError(absl::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, ErrorClass::kLinkError, m);
}
absl::Status RuntimeError(absl::string_view m) {
  return Make(absl::StatusCode::kAborted, ErrorClass::kRuntimeError, m);
}
absl::Status RangeError(absl::string_view m) {
  return Make(absl::StatusCode::kOutOfRange, ErrorClass::kRangeError, m);
}
absl::Status TypeError(absl::string_view m) {
  return Make(absl::StatusCode::kInvalidArgument, ErrorClass::kTypeError, m);
}

absl::string_view ErrorClassName(ErrorClass c) {
  switch (c) {
    case ErrorClass::kNone: return "OK";
    case ErrorClass::kCompileError: return "CompileError";
    case ErrorClass::kLinkError: return "LinkError";
    case ErrorClass::kRuntimeError: return "RuntimeError";
    case ErrorClass::kRangeError: return "RangeError";
    case ErrorClass::kTypeError: return "TypeError";
    case ErrorClass::kOther: return "Error";
  }
  return "Error";
}

ErrorClass GetErrorClass(const absl::Status& status) {
  if (status.ok()) return ErrorClass::kNone;
  const auto payload = status.GetPayload(kClassUrl);
  if (!payload.has_value()) return ErrorClass::kOther;
  for (ErrorClass c : {ErrorClass::kCompileError, ErrorClass::kLinkError, ErrorClass::kRuntimeError,
                       ErrorClass::kRangeError, ErrorClass::kTypeError}) {
    if (*payload == ErrorClassName(c)) return c;
  }
  return ErrorClass::kOther;
}

std::optional<TrapKind> TrapKindOf(const absl::Status& status) { return GetTrapKind(status); }

absl::Status Classify(const absl::Status& status) {
  if (status.ok() || GetErrorClass(status) != ErrorClass::kOther) return status;
  switch (GetInstanceErrorKind(status)) {
    case InstanceErrorKind::kLink: return LinkError(status.message());
    case InstanceErrorKind::kTrap: {
      absl::Status out = RuntimeError(status.message());
      status.ForEachPayload([&](absl::string_view url, const absl::Cord& value) {
        if (url != kClassUrl) out.SetPayload(url, value);
      });
      return out;
    }
    default: break;
  }
  const ErrorKind kind = GetErrorKind(status);
  if (kind == ErrorKind::kMalformed || kind == ErrorKind::kInvalid) {
    return CompileError(status.message());
  }
  // A worker that died: the call it was serving cannot complete.
  if (absl::IsUnavailable(status)) return RuntimeError(status.message());
  return status;
}

}  // namespace wasm::api
