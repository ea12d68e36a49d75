// ScopedAltSignalStack: an alternate signal stack for the calling thread.
//
// When wasm code exhausts the thread's stack, the fault is taken with the
// stack pointer in the guard page: the kernel can only run the trap handler
// if the thread has an alternate signal stack (sigaltstack; the handlers are
// installed with SA_ONSTACK). Every thread that runs wasm code keeps one of
// these alive while it does; it is per thread, like sigaltstack itself.
//
//   void WorkerThreadMain() {
//     absl::StatusOr<ScopedAltSignalStack> alt_stack = ScopedAltSignalStack::Install();
//     if (!alt_stack.ok()) { ... }
//     ... CallWithTrapHandling(...) ...
//   }  // the previous (usually no) alternate stack is restored here
//
// If the thread already has an alternate stack, Install() keeps it and the
// scope does nothing. The stack is mmapped with a PROT_NONE guard page below
// it, so a handler that overflows it faults instead of scribbling.
//
// Invariant: the scope is destroyed on the thread that created it, and not
//   while a signal handler is running on its stack.
#ifndef RUNTIME_VM_SIGNAL_STACK_H_
#define RUNTIME_VM_SIGNAL_STACK_H_

#include <pthread.h>

#include <cstddef>

#include "absl/status/statusor.h"

namespace wasm {

class ScopedAltSignalStack {
 public:
  // Enough for the handler's frame and the kernel's signal frame with the
  // largest XSAVE state (AVX-512: ~3.5 KiB).
  static constexpr size_t kDefaultBytes = 64 * 1024;

  // Gives the calling thread an alternate signal stack of at least `bytes`
  // (and at least SIGSTKSZ), unless it already has one.
  static absl::StatusOr<ScopedAltSignalStack> Install(size_t bytes = kDefaultBytes);

  ScopedAltSignalStack(ScopedAltSignalStack&& other) noexcept;
  ScopedAltSignalStack& operator=(ScopedAltSignalStack&&) = delete;
  ScopedAltSignalStack(const ScopedAltSignalStack&) = delete;
  ScopedAltSignalStack& operator=(const ScopedAltSignalStack&) = delete;
  ~ScopedAltSignalStack();

  // False if the thread already had an alternate stack and this scope kept it.
  bool owns_stack() const { return mapping_ != nullptr; }

 private:
  ScopedAltSignalStack(void* mapping, size_t mapping_bytes)
      : mapping_(mapping), mapping_bytes_(mapping_bytes), thread_(pthread_self()) {}

  void* mapping_ = nullptr;  // guard page + stack; null when not ours
  size_t mapping_bytes_ = 0;
  pthread_t thread_;
};

}  // namespace wasm

#endif  // RUNTIME_VM_SIGNAL_STACK_H_
