// The signal handler, its installation and forwarding, and the entry chain.
#include "runtime/vm/trap_handler.h"

#if !defined(__x86_64__) || !defined(__linux__)
#error "the trap handler reads x86-64 Linux signal contexts"
#endif

#include <setjmp.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>

#include <atomic>
#include <cerrno>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/const_init.h"
#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "runtime/vm/code_registry.h"
#include "runtime/vm/stack_walk.h"

namespace wasm {
namespace {

// One active CallWithTrapHandling, on its own stack frame.
struct TrapEntry {
  sigjmp_buf jump_buffer;
  TrapEntry* previous;  // the enclosing entry on this thread, or null
  Trap trap;            // filled in by the handler before it jumps
};

// The innermost active entry of this thread. initial-exec TLS: reading it is
// a plain %fs-relative load, safe in a signal handler (the general dynamic
// model may call __tls_get_addr, which can allocate).
ABSL_CONST_INIT thread_local TrapEntry* t_innermost_entry
    __attribute__((tls_model("initial-exec"))) = nullptr;

constexpr int kTrapSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
constexpr int kNumTrapSignals = sizeof(kTrapSignals) / sizeof(kTrapSignals[0]);

// The handlers found at installation, by index in kTrapSignals. Written once,
// under g_install_mutex, before our handler can run; read-only afterwards.
struct sigaction g_previous[kNumTrapSignals];
ABSL_CONST_INIT absl::Mutex g_install_mutex(absl::kConstInit);
std::atomic<bool> g_installed{false};

int SignalIndex(int signal) {
  for (int i = 0; i < kNumTrapSignals; ++i) {
    if (kTrapSignals[i] == signal) return i;
  }
  return -1;
}

std::optional<TrapKind> Classify(int signal, const siginfo_t* info, const JitCodeLookup& lookup,
                                 uintptr_t fault_address, uintptr_t sp) {
  if (lookup.site.has_value()) return lookup.site;
  switch (signal) {
    case SIGSEGV:
    case SIGBUS:
      // SI_KERNEL (a general protection fault) carries no address.
      if (info->si_code != SI_KERNEL && fault_address + kStackFaultWindow >= sp &&
          fault_address < sp + kStackFaultWindow) {
        return TrapKind::kCallStackExhausted;
      }
      return TrapKind::kMemoryOutOfBounds;
    case SIGFPE:
      if (info->si_code == FPE_INTDIV) return TrapKind::kIntegerDivideByZero;
      if (info->si_code == FPE_INTOVF) return TrapKind::kIntegerOverflow;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// Not a trap: hand the signal to whoever had it before us.
void ForwardToPrevious(int signal, siginfo_t* info, void* context) {
  const int index = SignalIndex(signal);
  const struct sigaction& previous = g_previous[index];
  if ((previous.sa_flags & SA_SIGINFO) != 0) {
    previous.sa_sigaction(signal, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal);
    return;
  }
  const bool sent_by_process = info->si_code <= 0;  // kill, tgkill, raise, sigqueue
  if (previous.sa_handler == SIG_IGN && sent_by_process) return;
  // The default action. For a fault, returning re-executes the instruction,
  // which faults again and now kills the process with the right signal (and
  // core dump). A signal sent by a process is sent again. SA_NODEFER means
  // the signal is not blocked here, so raise() delivers it at once.
  struct sigaction default_action = {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(signal, &default_action, nullptr);
  if (sent_by_process) raise(signal);
}

void HandleSignal(int signal, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  TrapEntry* entry = t_innermost_entry;
  // si_code > 0: raised by the kernel for the instruction at the PC, not
  // sent by kill() while the thread happened to be in JIT code.
  if (entry != nullptr && info->si_code > 0) {
    const ucontext_t* uc = static_cast<const ucontext_t*>(context);
    const uintptr_t pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
    const JitCodeLookup lookup = LookupJitCode(pc);
    if (lookup.in_jit_code) {
      const bool has_address = signal == SIGSEGV || signal == SIGBUS;
      const uintptr_t fault_address =
          has_address ? reinterpret_cast<uintptr_t>(info->si_addr) : 0;
      const uintptr_t sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
      const std::optional<TrapKind> kind = Classify(signal, info, lookup, fault_address, sp);
      if (kind.has_value()) {
        entry->trap.kind = *kind;
        entry->trap.pc = pc;
        entry->trap.fault_address = fault_address;
        entry->trap.stack_pointer = sp;
        entry->trap.frame_pointer = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]);
        // Invariant: the entry is a local of CallWithTrapHandling, whose frame
        // is above every frame `fn` created: the walk stops below it.
        WalkJitFrames({.pc = pc, .sp = sp, .fp = entry->trap.frame_pointer},
                      reinterpret_cast<uintptr_t>(entry), &entry->trap.backtrace);
        errno = saved_errno;
        // Back to CallWithTrapHandling, off the alternate stack. The signal
        // mask needs no restoring: SA_NODEFER and an empty sa_mask leave it
        // as it was when the fault happened.
        siglongjmp(entry->jump_buffer, 1);
      }
    }
  }
  errno = saved_errno;
  ForwardToPrevious(signal, info, context);
  errno = saved_errno;
}

}  // namespace

absl::Status InstallTrapHandlers() {
  absl::MutexLock lock(&g_install_mutex);
  if (g_installed.load(std::memory_order_relaxed)) return absl::OkStatus();
  struct sigaction ours = {};
  ours.sa_sigaction = HandleSignal;
  // SA_NODEFER: a fault inside the handler itself re-enters it, finds a PC
  // outside JIT code and gets the default action, instead of being blocked
  // (which the kernel turns into an unconditional kill without a core).
  ours.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&ours.sa_mask);
  // Binds the lookup's PLT entry now (when the registry is a shared library
  // and binding is lazy), so the handler never runs the dynamic linker.
  (void)LookupJitCode(0);
  for (int i = 0; i < kNumTrapSignals; ++i) {
    // Read the previous handler first, so that g_previous is complete before
    // ours can run on another thread.
    if (sigaction(kTrapSignals[i], nullptr, &g_previous[i]) != 0 ||
        sigaction(kTrapSignals[i], &ours, nullptr) != 0) {
      const int error = errno;
      for (int j = 0; j < i; ++j) sigaction(kTrapSignals[j], &g_previous[j], nullptr);
      return absl::ErrnoToStatus(
          error, absl::StrCat("trap handler: sigaction(", kTrapSignals[i], ")"));
    }
  }
  g_installed.store(true, std::memory_order_release);
  return absl::OkStatus();
}

std::optional<Trap> CallWithTrapHandling(absl::FunctionRef<void()> fn) {
  if (!g_installed.load(std::memory_order_acquire)) {
    // sigaction only fails for invalid arguments, or when a seccomp policy
    // forbids it; both are bugs of the embedder (install before confining).
    const absl::Status status = InstallTrapHandlers();
    if (!status.ok()) ABSL_RAW_LOG(FATAL, "%s", std::string(status.message()).c_str());
  }
  TrapEntry entry;
  entry.previous = t_innermost_entry;
  // savemask = 0: no sigprocmask syscall per call (see HandleSignal).
  if (sigsetjmp(entry.jump_buffer, 0) != 0) {
    // Returned from the signal handler: the JIT frames are gone.
    t_innermost_entry = entry.previous;
    return entry.trap;
  }
  t_innermost_entry = &entry;
  // The handler reads the chain; keep the compiler from sinking the store.
  std::atomic_signal_fence(std::memory_order_seq_cst);
  fn();
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_innermost_entry = entry.previous;
  return std::nullopt;
}

namespace {

// Set while an interrupt is requested: the SIGALRM handler acts only then.
volatile sig_atomic_t g_interrupt_armed = 0;
// Set when the timer fired outside wasm code: TakePendingInterrupt reports it.
volatile sig_atomic_t g_interrupt_pending = 0;
// The requested deadline and, while a timer is set, when it expires
// (CLOCK_MONOTONIC ns; 0: no timer). Calls that end before their deadline
// leave the timer running instead of cancelling it, so back-to-back calls
// cost no syscall: the handler re-arms itself for the current deadline, or
// does nothing when no interrupt is requested.
std::atomic<int64_t> g_deadline_ns{0};
std::atomic<int64_t> g_timer_expiry_ns{0};
static_assert(std::atomic<int64_t>::is_always_lock_free);

int64_t NowNs() {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);  // async-signal-safe
  return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

void ArmTimer(int64_t microseconds) {
  if (microseconds < 1) microseconds = 1;
  g_timer_expiry_ns.store(NowNs() + microseconds * 1000);
  struct itimerval t = {};
  t.it_value.tv_sec = microseconds / 1000000;
  t.it_value.tv_usec = microseconds % 1000000;
  setitimer(ITIMER_REAL, &t, nullptr);
}

void HandleInterrupt(int, siginfo_t*, void* context) {
  const int saved_errno = errno;
  g_timer_expiry_ns.store(0);
  if (g_interrupt_armed == 0) return;
  const int64_t left_ns = g_deadline_ns.load() - NowNs();
  if (left_ns > 0) {  // a timer set for an earlier call: wait for this one's deadline
    ArmTimer((left_ns + 999) / 1000);
    errno = saved_errno;
    return;
  }
  TrapEntry* entry = t_innermost_entry;
  const ucontext_t* uc = static_cast<const ucontext_t*>(context);
  const uintptr_t pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  if (entry != nullptr && LookupJitCode(pc).in_jit_code) {
    g_interrupt_armed = 0;
    entry->trap.kind = TrapKind::kInterrupted;
    entry->trap.pc = pc;
    entry->trap.fault_address = 0;
    entry->trap.stack_pointer = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
    entry->trap.frame_pointer = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]);
    WalkJitFrames({.pc = pc, .sp = entry->trap.stack_pointer, .fp = entry->trap.frame_pointer},
                  reinterpret_cast<uintptr_t>(entry), &entry->trap.backtrace);
    errno = saved_errno;
    siglongjmp(entry->jump_buffer, 1);
  }
  // Not in wasm code right now: the runtime's next return to wasm code
  // (TakePendingInterrupt) stops it; else look again in a millisecond.
  g_interrupt_pending = 1;
  ArmTimer(1000);
  errno = saved_errno;
}

}  // namespace

absl::Status InstallInterruptHandler() {
  struct sigaction action = {};
  action.sa_sigaction = HandleInterrupt;
  // SA_NODEFER for the same reason as the trap handler: siglongjmp without
  // restoring a mask.
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
  sigemptyset(&action.sa_mask);
  (void)LookupJitCode(0);
  if (sigaction(SIGALRM, &action, nullptr) != 0) {
    return absl::ErrnoToStatus(errno, "interrupt handler: sigaction(SIGALRM)");
  }
  return absl::OkStatus();
}

void RequestInterrupt(int64_t after_microseconds) {
  g_interrupt_pending = 0;
  const int64_t deadline = NowNs() + after_microseconds * 1000;
  g_deadline_ns.store(deadline);
  g_interrupt_armed = 1;
  // A timer still running from an earlier call does, if it fires no later
  // than this deadline (the handler then re-arms for the rest).
  const int64_t expiry = g_timer_expiry_ns.load();
  if (expiry == 0 || expiry > deadline) ArmTimer(after_microseconds);
}

bool TakePendingInterrupt() {
  if (g_interrupt_armed == 0 || g_interrupt_pending == 0) return false;
  g_interrupt_armed = 0;
  g_interrupt_pending = 0;
  return true;
}

void CancelInterrupt() {
  // No syscall: a timer still set fires once more and finds nothing to do.
  g_interrupt_armed = 0;
  g_interrupt_pending = 0;
}

int ActiveTrapEntries() {
  int count = 0;
  for (const TrapEntry* entry = t_innermost_entry; entry != nullptr; entry = entry->previous) {
    ++count;
  }
  return count;
}

}  // namespace wasm
