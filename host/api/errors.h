// The embedding API's errors, classed as in the WebAssembly JS API:
//
//   CompileError  the bytes are not a valid module (malformed or invalid)
//   LinkError     instantiation: an import is missing or has the wrong type
//   RuntimeError  wasm trapped (message: the spec's words, then the wasm
//                 backtrace) — or the sandboxed worker died
//   RangeError    a size or index out of range (Memory.Grow past the maximum,
//                 Table.Get past the end)
//   TypeError     a value of the wrong type, an immutable global set, a
//                 detached buffer used
//
// Each is an absl::Status whose message says what and where; the class rides
// along as a payload:
//
//   absl::StatusOr<Module> m = Module::Compile(bytes);
//   if (GetErrorClass(m.status()) == ErrorClass::kCompileError) ...
//   ErrorClassName(ErrorClass::kLinkError) == "LinkError"
#ifndef HOST_API_ERRORS_H_
#define HOST_API_ERRORS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "runtime/vm/trap.h"

namespace wasm::api {

enum class ErrorClass { kNone, kCompileError, kLinkError, kRuntimeError, kRangeError, kTypeError, kOther };

absl::Status CompileError(absl::string_view message);
absl::Status LinkError(absl::string_view message);
absl::Status RuntimeError(absl::string_view message);
absl::Status RangeError(absl::string_view message);
absl::Status TypeError(absl::string_view message);

// For a RuntimeError from a trap: which one (TrapKind::kInterrupted for a
// call stopped at its deadline); nullopt otherwise.
std::optional<TrapKind> TrapKindOf(const absl::Status& status);

// kNone for OK, kOther for a status that carries no class.
ErrorClass GetErrorClass(const absl::Status& status);
absl::string_view ErrorClassName(ErrorClass error_class);

// The runtime's and the worker connection's errors in these classes: link
// errors -> LinkError, traps and dead workers -> RuntimeError, compile errors
// (malformed / invalid) -> CompileError; others pass through.
absl::Status Classify(const absl::Status& status);

}  // namespace wasm::api

#endif  // HOST_API_ERRORS_H_
