// UniqueFd: close on destruction, dup with F_DUPFD_CLOEXEC.
#include "runtime/vm/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "absl/status/status.h"

namespace wasm {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

int UniqueFd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::reset(int fd) {
  // Linux releases the descriptor even when close() fails (EINTR included),
  // so it is never retried: a retry could close a descriptor reused by
  // another thread.
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

absl::StatusOr<UniqueFd> UniqueFd::Duplicate() const {
  if (!valid()) return absl::FailedPreconditionError("Duplicate of a closed UniqueFd");
  int fd = fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return absl::ErrnoToStatus(errno, "fcntl(F_DUPFD_CLOEXEC)");
  return UniqueFd(fd);
}

}  // namespace wasm
