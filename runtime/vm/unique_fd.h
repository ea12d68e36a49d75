// UniqueFd: a file descriptor that closes itself.
//
// Memories are memfds that later travel to worker processes (SCM_RIGHTS), so
// every descriptor the VM opens is owned by exactly one UniqueFd and carries
// O_CLOEXEC / MFD_CLOEXEC: nothing leaks into a forked or exec'd child.
//
//   UniqueFd fd(memfd_create("wasm-memory", MFD_CLOEXEC));
//   if (!fd.valid()) return absl::ErrnoToStatus(errno, "memfd_create");
//   ASSIGN_OR_RETURN(UniqueFd copy, fd.Duplicate());  // for another mapping
//   // both close when they go out of scope
#ifndef RUNTIME_VM_UNIQUE_FD_H_
#define RUNTIME_VM_UNIQUE_FD_H_

#include "absl/status/statusor.h"

namespace wasm {

class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes ownership of `fd` (-1 for none).
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  // Gives up ownership without closing; returns the descriptor.
  int release();
  // Closes the held descriptor (if any) and takes `fd` instead.
  void reset(int fd = -1);

  // A new descriptor for the same open file, close-on-exec.
  absl::StatusOr<UniqueFd> Duplicate() const;

 private:
  int fd_ = -1;
};

}  // namespace wasm

#endif  // RUNTIME_VM_UNIQUE_FD_H_
