// ScopedAltSignalStack: mmap a guarded stack, sigaltstack it, restore.
#include "runtime/vm/signal_stack.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/base/internal/raw_logging.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wasm {

absl::StatusOr<ScopedAltSignalStack> ScopedAltSignalStack::Install(size_t bytes) {
  stack_t current;
  if (sigaltstack(nullptr, &current) != 0) return absl::ErrnoToStatus(errno, "sigaltstack query");
  if ((current.ss_flags & SS_DISABLE) == 0) return ScopedAltSignalStack(nullptr, 0);

  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  bytes = std::max<size_t>(bytes, SIGSTKSZ);
  bytes = (bytes + page - 1) / page * page;
  const size_t mapping_bytes = bytes + page;  // + the guard page below
  void* mapping = mmap(nullptr, mapping_bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) {
    return absl::ErrnoToStatus(errno,
                               absl::StrCat("alternate signal stack: mapping ", mapping_bytes, " bytes"));
  }
  ScopedAltSignalStack scope(mapping, mapping_bytes);  // unmaps on error
  if (mprotect(mapping, page, PROT_NONE) != 0) {
    return absl::ErrnoToStatus(errno, "alternate signal stack: guard page");
  }
  stack_t stack = {};
  stack.ss_sp = static_cast<char*>(mapping) + page;
  stack.ss_size = bytes;
  stack.ss_flags = 0;
  if (sigaltstack(&stack, nullptr) != 0) {
    const int error = errno;
    munmap(mapping, mapping_bytes);
    scope.mapping_ = nullptr;
    return absl::ErrnoToStatus(error, "sigaltstack");
  }
  return scope;
}

ScopedAltSignalStack::ScopedAltSignalStack(ScopedAltSignalStack&& other) noexcept
    : mapping_(other.mapping_), mapping_bytes_(other.mapping_bytes_), thread_(other.thread_) {
  other.mapping_ = nullptr;
  other.mapping_bytes_ = 0;
}

ScopedAltSignalStack::~ScopedAltSignalStack() {
  if (mapping_ == nullptr) return;
  if (!pthread_equal(thread_, pthread_self())) {
    ABSL_RAW_LOG(FATAL, "ScopedAltSignalStack destroyed on another thread");
  }
  stack_t disable = {};
  disable.ss_flags = SS_DISABLE;
  // Only disable the stack if it is still ours (nobody replaced it since).
  stack_t current;
  if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0 &&
      current.ss_sp >= mapping_ &&
      current.ss_sp < static_cast<char*>(mapping_) + mapping_bytes_) {
    if (sigaltstack(&disable, nullptr) != 0) {
      // EPERM: a handler is running on it. Unmapping would be fatal later.
      ABSL_RAW_LOG(FATAL, "ScopedAltSignalStack destroyed while in use");
    }
  }
  munmap(mapping_, mapping_bytes_);
}

}  // namespace wasm
