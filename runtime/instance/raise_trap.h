// RaiseTrap: a trap raised by C++ code that JIT code called (a builtin, a
// host function), unwinding to the innermost CallWithTrapHandling entry
// exactly as a trap in generated code does.
//
// trap_handler.h turns faults at registered JIT trap sites into traps and has
// no entry point for C++ callers, so RaiseTrap uses that same public path: at
// start-up it registers a small code stub, one `ud2` per TrapKind, each a
// trap site of its kind; RaiseTrap(kind) calls the stub's `ud2` for `kind`,
// and the trap handler jumps back to the innermost entry with that kind:
//
//   host ── CallWithTrapHandling ── JIT code ── builtin (C++) ── RaiseTrap(k)
//             ▲                                                      │ call
//             │                                                      ▼
//             └──── siglongjmp ◄── trap handler ◄── SIGILL ◄── stub: ud2 #k
//
//   // once, before running wasm (Instance::Create does it):
//   RETURN_IF_ERROR(PrepareRaiseTrap());
//   ...
//   if (index >= table->size()) RaiseTrap(TrapKind::kTableOutOfBounds);
//
// The Trap's pc is the stub's, its frame pointer the caller's rbp. The
// stubs are registered code outside every function, which tells the trap
// handler's stack walk to cross the C++ frames (RaiseTrap, the builtin) to
// the wasm function that called the builtin: this library and builtins build
// with -fno-omit-frame-pointer for that (runtime/vm/stack_walk.h).
//
// Invariant: nothing between the entry and RaiseTrap holds a resource that
//   needs a destructor (a lock, a heap string, a Status): the jump runs none.
// Invariant: RaiseTrap is called only inside CallWithTrapHandling; outside
//   one it aborts the process with a message (there is nowhere to go).
#ifndef RUNTIME_INSTANCE_RAISE_TRAP_H_
#define RUNTIME_INSTANCE_RAISE_TRAP_H_

#include "absl/status/status.h"
#include "runtime/vm/trap.h"

namespace wasm {

// Creates and registers the trap stubs (once per process; later calls return
// the first result). Fails when executable memory or a registry slot cannot
// be had.
absl::Status PrepareRaiseTrap();

// Unwinds to the innermost CallWithTrapHandling, which returns a Trap of
// `kind`. PrepareRaiseTrap must have succeeded.
[[noreturn]] void RaiseTrap(TrapKind kind);

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_RAISE_TRAP_H_
