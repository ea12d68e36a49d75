// Stack bounds from pthread_getattr_np; the limit arithmetic, saturating.
#include "runtime/vm/stack_limit.h"

#include <pthread.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wasm {

absl::StatusOr<StackBounds> CurrentThreadStackBounds() {
  pthread_attr_t attr;
  int error = pthread_getattr_np(pthread_self(), &attr);
  if (error != 0) return absl::ErrnoToStatus(error, "pthread_getattr_np");
  void* address = nullptr;
  size_t size = 0;
  size_t guard = 0;
  error = pthread_attr_getstack(&attr, &address, &size);
  if (error == 0) error = pthread_attr_getguardsize(&attr, &guard);
  pthread_attr_destroy(&attr);
  if (error != 0) return absl::ErrnoToStatus(error, "pthread_attr_getstack");
  StackBounds bounds;
  bounds.low = reinterpret_cast<uintptr_t>(address);
  bounds.high = bounds.low + size;
  bounds.guard = guard;
  return bounds;
}

absl::StatusOr<uintptr_t> ComputeStackLimit(size_t budget_bytes, size_t reserve_bytes) {
  absl::StatusOr<StackBounds> bounds = CurrentThreadStackBounds();
  if (!bounds.ok()) return bounds.status();
  const uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (sp < bounds->low || sp >= bounds->high) {
    // A stack glibc does not know (a coroutine or a signal stack).
    return absl::FailedPreconditionError(
        "stack limit: the current stack is not the thread's stack");
  }
  const uintptr_t usable_low = bounds->low + bounds->guard;
  const uintptr_t floor =
      reserve_bytes > UINTPTR_MAX - usable_low ? UINTPTR_MAX : usable_low + reserve_bytes;
  const uintptr_t by_budget = budget_bytes >= sp ? 0 : sp - budget_bytes;
  const uintptr_t limit = by_budget > floor ? by_budget : floor;
  if (limit >= sp) {
    return absl::ResourceExhaustedError(
        absl::StrCat("stack limit: ", sp - usable_low, " bytes of stack left, not more than the ",
                     reserve_bytes, " bytes kept for host calls"));
  }
  return limit;
}

}  // namespace wasm
