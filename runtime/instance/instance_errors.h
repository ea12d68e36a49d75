// The errors of instantiation, by the JS API's kinds: a LinkError when the
// imports do not fit the module, a RuntimeError when a segment traps.
//
// The message starts with the spec testsuite's wording, so a runner can match
// assert_unlinkable / assert_trap texts as prefixes; the kind (and the trap
// kind) ride along as Status payloads:
//
//   "unknown import: env.f"                                      kLink
//   "incompatible import type for env.mem: expected memory
//    {min 2}, got memory {min 1, max 1}"                          kLink
//   "out of bounds table access: element segment 0 ..."           kTrap
//
//   absl::StatusOr<std::unique_ptr<Instance>> instance = Instance::Create(module, imports);
//   if (GetInstanceErrorKind(instance.status()) == InstanceErrorKind::kLink) ...
//   GetTrapKind(instance.status()) == TrapKind::kTableOutOfBounds
//
// Other failures (resources, bugs) are plain statuses of kind kOther.
#ifndef RUNTIME_INSTANCE_INSTANCE_ERRORS_H_
#define RUNTIME_INSTANCE_INSTANCE_ERRORS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "runtime/vm/trap.h"

namespace wasm {

enum class InstanceErrorKind { kNone, kLink, kTrap, kOther };

// A LinkError: "<spec_text>" or "<spec_text> <detail>" (e.g. "unknown
// import:", "env.f"). Status code kFailedPrecondition.
absl::Status LinkError(absl::string_view spec_text, absl::string_view detail);

// A RuntimeError for a trap: TrapMessage(kind), then ": <detail>" if any.
// Status code kAborted.
absl::Status TrapError(TrapKind kind, absl::string_view detail = "");

// A TrapError for a trap in wasm code: TrapMessage(kind), then, unless
// `backtrace` is empty, a newline and `backtrace` (its frame lines, see
// runtime/jit/backtrace.h). The spec text stays a prefix of the message.
absl::Status TrapErrorWithBacktrace(TrapKind kind, absl::string_view backtrace);

// A TrapError whose message is given whole: a trap a worker reported, whose
// message already starts with the spec text (and may carry a backtrace).
absl::Status TrapErrorWithMessage(TrapKind kind, std::string message);

InstanceErrorKind GetInstanceErrorKind(const absl::Status& status);

// The trap kind of a TrapError, else nullopt.
std::optional<TrapKind> GetTrapKind(const absl::Status& status);

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_INSTANCE_ERRORS_H_
