// Turning faults in JIT code into traps: signal handlers and entry records.
//
// Generated code traps by faulting: `ud2` at an explicit trap site (SIGILL),
// a load or store past the memory's size (SIGSEGV / SIGBUS, see
// linear_memory.h), a hardware divide error (SIGFPE), a push into the stack's
// guard page (SIGSEGV). The host enters wasm code only through
// CallWithTrapHandling, which records an entry in a thread-local chain; the
// process-wide handler, if the faulting PC is registered JIT code
// (code_registry.h), jumps back to the innermost entry, which returns the
// trap:
//
//   host ── CallWithTrapHandling ── fn ── JIT code ── ud2
//              ▲  entry: sigsetjmp                     │ SIGILL
//              │                                       ▼
//              └────── siglongjmp ◄── handler: PC in registered code?
//                                       yes: Trap{kind, pc, ...} → entry
//                                       no:  previous handler / default action
//
//   ASSIGN_OR_RETURN(CodeRegistration registration,
//                    RegisterJitCode(code->code(), trap_sites));
//   std::optional<Trap> trap = CallWithTrapHandling([&] { result = entry(ctx, arg); });
//   if (trap) return RuntimeError(TrapMessage(trap->kind));
//
// Nesting (wasm → host → wasm): a host function called from wasm may call
// CallWithTrapHandling again; its entry links to the outer one, a trap in the
// inner wasm code returns from the inner call only, and the outer wasm code
// resumes normally when the host function returns.
//
// How a signal is classified (only kernel-generated signals, si_code > 0, at
// a PC inside registered JIT code, with an entry on this thread):
//   1. a trap site at exactly the PC: its kind (any signal);
//   2. SIGSEGV / SIGBUS whose address is within kStackFaultWindow of rsp:
//      kCallStackExhausted (a push or frame store into the guard page);
//   3. other SIGSEGV / SIGBUS: kMemoryOutOfBounds;
//   4. SIGFPE with FPE_INTDIV: kIntegerDivideByZero; FPE_INTOVF:
//      kIntegerOverflow;
//   anything else (a SIGILL without a trap site is a JIT bug) is not a trap.
// A signal that is not a trap goes to the handler that was installed before
// ours, or gets the default action: a crash in host code stays a crash.
//
// Before it jumps, the handler walks the trapping frames (stack_walk.h) into
// Trap::backtrace: after the jump they are dead stack, free to be
// overwritten. The walk reads only [rsp, the entry) of this thread's stack.
//
// The handler is async-signal-safe: no allocation, no lock, no stdio; it
// reads a thread-local pointer (initial-exec TLS) and lock-free atomics.
//
// Invariant: every host → wasm transition goes through CallWithTrapHandling.
//   (A trap in wasm code entered any other way would jump to an outer entry,
//   skipping host frames.)
// Invariant: between an entry and the faulting instruction there are only
//   JIT frames and `fn` itself; the siglongjmp runs no destructors, so `fn`
//   must hold nothing that needs one while wasm code runs.
#ifndef RUNTIME_VM_TRAP_HANDLER_H_
#define RUNTIME_VM_TRAP_HANDLER_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "runtime/vm/stack_walk.h"
#include "runtime/vm/trap.h"

namespace wasm {

// A trap taken in JIT code. The registers are the faulting context's; the
// backtrace was walked from them while the frames were still live.
struct Trap {
  TrapKind kind = TrapKind::kUnreachable;
  uintptr_t pc = 0;             // the faulting instruction
  uintptr_t fault_address = 0;  // si_addr for SIGSEGV / SIGBUS, else 0
  uintptr_t stack_pointer = 0;  // rsp
  uintptr_t frame_pointer = 0;  // rbp
  Backtrace backtrace;          // the registered functions the trap unwound
};

// A SIGSEGV / SIGBUS this close to rsp is a stack overflow, not a memory
// access: wasm memories are never within reach of the stack pointer.
inline constexpr uintptr_t kStackFaultWindow = 64 * 1024;

// Installs the handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE (SA_SIGINFO |
// SA_ONSTACK | SA_NODEFER), remembering the previous ones. Idempotent and
// thread-safe; CallWithTrapHandling calls it too. Call it explicitly before
// confining a process with seccomp (which may forbid rt_sigaction), and after
// any other library that installs handlers for these signals (ours must be
// the first to see the signal; it forwards what is not a trap).
absl::Status InstallTrapHandlers();

// Runs `fn` and returns nullopt when it returns, or the trap taken by JIT
// code it called. Signals that are not traps are not caught. The calling
// thread should have an alternate signal stack (signal_stack.h), or stack
// exhaustion in wasm code kills the process instead of trapping.
std::optional<Trap> CallWithTrapHandling(absl::FunctionRef<void()> fn);

// How many CallWithTrapHandling calls are active on this thread.
int ActiveTrapEntries();

// Interruption: a runaway wasm call is stopped with TrapKind::kInterrupted
// (message "interrupted", with its backtrace) and the process goes on.
//
//   RETURN_IF_ERROR(InstallInterruptHandler());   // once, before confinement
//   RequestInterrupt(absl::Seconds(2));           // arms ITIMER_REAL
//   std::optional<Trap> t = CallWithTrapHandling(...);  // kInterrupted if still running
//   CancelInterrupt();
//
// When the timer fires (SIGALRM) and the thread is executing registered JIT
// code inside CallWithTrapHandling, the handler unwinds to the innermost
// entry exactly as a trap does (JIT code holds nothing that needs releasing
// at any instruction boundary). When it fires in C++ code (a builtin, a host
// function, the runtime), it marks the interrupt pending and re-arms itself
// 1 ms later, so the call is stopped at its next stretch of wasm code — or
// sooner, where the runtime returns to wasm and asks TakePendingInterrupt()
// (a host-function import does, then raises the trap itself). One timer per process: the
// single-threaded sandbox worker is the user. Back-to-back calls cost no
// syscall: CancelInterrupt leaves the timer running and a later request
// reuses it (the handler re-arms for the current deadline). (The design's alternative,
// epoch checks compiled into loop headers and function entries, costs a load
// and a compare per iteration; this costs nothing until the deadline.)
absl::Status InstallInterruptHandler();
void RequestInterrupt(int64_t after_microseconds);
void CancelInterrupt();
// True (once) when the requested interrupt is due: the caller, about to
// return into wasm code, raises TrapKind::kInterrupted instead.
bool TakePendingInterrupt();

}  // namespace wasm

#endif  // RUNTIME_VM_TRAP_HANDLER_H_
