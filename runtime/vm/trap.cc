// Expands trap_kinds.def into the message and name lookups.
#include "runtime/vm/trap.h"

namespace wasm {

absl::string_view TrapMessage(TrapKind kind) {
  switch (kind) {
#define WASM_TRAP_KIND(name, message) \
  case TrapKind::k##name:             \
    return message;
#include "runtime/vm/trap_kinds.def"
  }
  return "unknown trap";
}

absl::string_view TrapKindName(TrapKind kind) {
  switch (kind) {
#define WASM_TRAP_KIND(name, message) \
  case TrapKind::k##name:             \
    return "k" #name;
#include "runtime/vm/trap_kinds.def"
  }
  return "<unknown>";
}

}  // namespace wasm
