// The stack limit generated code checks, computed for the calling thread.
//
// Every wasm function prologue compares rsp against a limit kept in the
// instance context and traps with TrapKind::kCallStackExhausted below it
// (a `ud2` registered as a trap site). The limit leaves room under it for
// everything that may run deeper on the same stack without a check:
//
//   high ┌──────────────────────────┐
//        │ host frames              │
//   sp ─►│ CallWithTrapHandling     │ ◄─ the limit is computed here
//        │ wasm frames  ...         │     (or in a frame close above)
//        │         budget           │
//  limit ├ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─┤ = max(sp - budget, low + guard + reserve)
//        │ reserve: the last wasm   │   host functions called from wasm, the
//        │ frame, host calls        │   trap handler if there is no alternate
//        │                          │   stack, libc, the IPC client
//        │ guard page(s)            │
//    low └──────────────────────────┘
//
//   ASSIGN_OR_RETURN(uintptr_t limit, ComputeStackLimit(kWholeStack));
//   context->stack_limit = limit;   // read by every prologue
//
// Nested entries (wasm -> host -> wasm) run further down the same stack and
// keep the same limit. The prologue compares rsp before it allocates its
// frame, so a frame may end below the limit by its own size:
// Invariant: a function whose frame is larger than kMaxUncheckedFrameBytes
//   compares rsp - frame_size against the limit instead of rsp.
// If a fault still hits the guard page (a JIT bug, or a frame past the
// reserve), the trap handler reports kCallStackExhausted as long as the
// thread has an alternate signal stack (signal_stack.h).
#ifndef RUNTIME_VM_STACK_LIMIT_H_
#define RUNTIME_VM_STACK_LIMIT_H_

#include <cstddef>
#include <cstdint>
#include <limits>

#include "absl/status/statusor.h"

namespace wasm {

// Room kept below the limit (see above).
inline constexpr size_t kDefaultStackReserveBytes = 256 * 1024;
// The largest frame a prologue may allocate after comparing rsp alone.
inline constexpr size_t kMaxUncheckedFrameBytes = 64 * 1024;
static_assert(kMaxUncheckedFrameBytes < kDefaultStackReserveBytes / 2);
// A budget meaning "all the stack there is".
inline constexpr size_t kWholeStack = std::numeric_limits<size_t>::max();

// The calling thread's stack: [low, high), `guard` bytes at low not usable.
struct StackBounds {
  uintptr_t low = 0;
  uintptr_t high = 0;
  size_t guard = 0;
};

// pthread_getattr_np for the calling thread (the main thread included, where
// glibc derives the bounds from RLIMIT_STACK and /proc/self/maps).
absl::StatusOr<StackBounds> CurrentThreadStackBounds();

// The rsp limit for wasm code run from the calling thread, below the
// caller's frame: at most `budget_bytes` below it, and never within
// `reserve_bytes` of the usable bottom of the stack. ResourceExhausted when
// there is no room at all between the caller and the reserve.
absl::StatusOr<uintptr_t> ComputeStackLimit(size_t budget_bytes,
                                            size_t reserve_bytes = kDefaultStackReserveBytes);

}  // namespace wasm

#endif  // RUNTIME_VM_STACK_LIMIT_H_
