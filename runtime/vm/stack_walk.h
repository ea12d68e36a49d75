// Walking the frame-pointer chain of JIT code at a trap, inside the signal
// handler: which functions (and where in them) the trap unwinds.
//
// Every function in a registered function table (code_registry.h) starts
// with `push rbp; mov rbp, rsp`, so past its prologue [rbp] holds its
// caller's rbp and [rbp + 8] its return address. From the trapping context
// (pc, rsp, rbp) the walk records the innermost frames, then follows the
// chain while the return addresses are inside registered functions:
//
//   high ┌──────────────────────────────┐
//        │ CallWithTrapHandling (entry) │ ◄─ stack_end: nothing at or above is read
//        │ fn, array-entry trampoline   │
//        │ f1: [rbp1 + 8] ──────────────┼─► into the trampoline: no function, stop
//        │     [rbp1]                   │
//        │ f2: [rbp2 + 8] ──────────────┼─► into f1: frame 1 = (f1, ret - f1 start)
//        │     [rbp2] = rbp1            │
//   sp ─►│ f2 at pc, rbp = rbp2         │ ─► frame 0 = (f2, pc - f2 start)
//   low  └──────────────────────────────┘
//
// Why it happens in the signal handler: after the siglongjmp the frames
// below CallWithTrapHandling are dead stack, overwritten by the next call or
// by any signal delivered on the thread's own stack; only while the handler
// runs (on the alternate signal stack) are they guaranteed intact.
//
// Why it never faults: every frame pointer is checked before it is read:
// 8-aligned, at or above the trapping rsp, its two slots below stack_end,
// and above the previous frame's slots (strictly increasing, so no cycles).
// [rsp, stack_end) is a subrange of this thread's stack: its live part,
// between the trap and the entry's own frame, all mapped. So the walk reads
// at most (stack_end - rsp) / 16 frames and stops at the first pointer that
// fails a check. Values read are only ever dereferenced after those checks;
// a garbage pointer can end the walk early, never make it fault.
//
// Traps raised from C++ (RaiseTrap's ud2 stubs, code that is registered but
// in no function): the walk first follows rbp through the native frames
// (RaiseTrap, the builtin or host function) until a return address lands in
// a registered function, at most kMaxNativeFrames frames, and continues from
// there. This needs those C++ frames to keep rbp chains
// (-fno-omit-frame-pointer, which runtime/instance builds with); a native
// frame without one either ends the walk (no frames: the trap is reported
// without a backtrace) or, if it left rbp pointing at a wasm frame, starts
// the backtrace at that function's caller.
//
// The prologue itself: a fault at a function's first instruction (the push
// of rbp into the guard page) has rbp still the caller's and the return
// address at [rsp]; after the push, at [rsp + 8]. Both are handled, so the
// caller is not skipped. Epilogues are not: after `pop rbp` the frame is
// gone and the walk would skip the caller, but no trap is taken there (traps
// are synchronous: trap sites, faulting accesses and divides, the stack
// check). An asynchronous interrupt would need the same care as the prologue.
//
//   Backtrace backtrace;
//   WalkJitFrames({.pc = pc, .sp = rsp, .fp = rbp}, reinterpret_cast<uintptr_t>(entry),
//                 &backtrace);
//   for (uint32_t i = 0; i < backtrace.num_frames; ++i) ... backtrace.frames[i] ...
//
// Async-signal-safe: no allocation, no lock; LookupJitCode is lock-free.
#ifndef RUNTIME_VM_STACK_WALK_H_
#define RUNTIME_VM_STACK_WALK_H_

#include <cstdint>

namespace wasm {

// How many frames a backtrace keeps; deeper ones are only counted.
inline constexpr uint32_t kMaxBacktraceFrames = 64;
// How many native (C++) frames the walk crosses to reach the first
// function frame of a trap raised from C++.
inline constexpr int kMaxNativeFrames = 32;

// One frame: the innermost frame's pc is the trapping instruction, the
// others' the return address into the function.
struct BacktraceFrame {
  uintptr_t pc;
  uintptr_t code_start;  // the registered range holding it
  uint32_t function;     // its number in the range's function table
  uint32_t offset;       // pc - the function's start
};

// Innermost frame first. Only frames[0, num_frames) are initialised (the
// array is not zeroed: a Backtrace lives in every CallWithTrapHandling).
struct Backtrace {
  uint32_t num_frames = 0;
  uint64_t omitted_frames = 0;  // function frames past kMaxBacktraceFrames
  BacktraceFrame frames[kMaxBacktraceFrames];
};

// The trapping context's registers.
struct WalkStart {
  uintptr_t pc = 0;
  uintptr_t sp = 0;
  uintptr_t fp = 0;
};

// Fills `out` from the frames in [start.sp, stack_end). Async-signal-safe.
void WalkJitFrames(const WalkStart& start, uintptr_t stack_end, Backtrace* out);

}  // namespace wasm

#endif  // RUNTIME_VM_STACK_WALK_H_
