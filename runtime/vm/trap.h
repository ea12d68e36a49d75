// TrapKind: why wasm code stopped abnormally, and the spec's message for it.
//
// The JIT turns every explicit trap into a `ud2` and records (code offset,
// TrapKind) in a trap-site table (code_registry.h); memory faults, stack
// exhaustion and interruption have kinds of their own. The host turns a trap
// into a RuntimeError whose message is TrapMessage(kind):
//
//   TrapKind kind = TrapKind::kIntegerDivideByZero;
//   TrapMessage(kind) == "integer divide by zero"
//   TrapKindName(kind) == "kIntegerDivideByZero"
//
// The kinds and messages come from one table, trap_kinds.def.
#ifndef RUNTIME_VM_TRAP_H_
#define RUNTIME_VM_TRAP_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace wasm {

enum class TrapKind : uint8_t {
#define WASM_TRAP_KIND(name, message) k##name,
#include "runtime/vm/trap_kinds.def"
};

// How many kinds there are; TrapKind values are 0 .. kNumTrapKinds - 1.
inline constexpr size_t kNumTrapKinds = 0
#define WASM_TRAP_KIND(name, message) +1
#include "runtime/vm/trap_kinds.def"
    ;

// The spec testsuite's wording ("out of bounds memory access"), or
// "unknown trap" for a value outside the table. Async-signal-safe.
absl::string_view TrapMessage(TrapKind kind);

// The enumerator's name ("kMemoryOutOfBounds"), for logs and test output.
absl::string_view TrapKindName(TrapKind kind);

}  // namespace wasm

#endif  // RUNTIME_VM_TRAP_H_
