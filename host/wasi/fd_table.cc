#include "host/wasi/fd_table.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace wasm::wasi {

FdTable::FdTable(int stdin_fd, int stdout_fd, int stderr_fd) {
  fds_[0] = FdEntry{stdin_fd, false, false, std::nullopt, true, false};
  fds_[1] = FdEntry{stdout_fd, false, false, std::nullopt, false, true};
  fds_[2] = FdEntry{stderr_fd, false, false, std::nullopt, false, true};
}

FdTable::~FdTable() {
  for (auto& [fd, entry] : fds_) {
    if (entry.owned && entry.host_fd >= 0) close(entry.host_fd);
  }
}

absl::StatusOr<uint32_t> FdTable::Preopen(const std::string& host_path,
                                          const std::string& guest_path) {
  const int dir = open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("--dir ", host_path, ": cannot open the directory"));
  }
  return Insert(FdEntry{dir, true, true, guest_path, true, false});
}

FdEntry* FdTable::Get(uint32_t fd) {
  auto it = fds_.find(fd);
  return it == fds_.end() ? nullptr : &it->second;
}

uint32_t FdTable::Insert(FdEntry entry) {
  uint32_t fd = 3;
  while (fds_.contains(fd)) ++fd;
  fds_[fd] = std::move(entry);
  return fd;
}

bool FdTable::Close(uint32_t fd) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return false;
  if (it->second.owned && it->second.host_fd >= 0) close(it->second.host_fd);
  fds_.erase(it);
  return true;
}

int FdTable::OpenBeneath(int dir_fd, absl::string_view path, int flags, int mode,
                         bool follow_symlinks) {
  const std::string p(path);
  if (p.empty() || p.find('\0') != std::string::npos) return -ENOENT;
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY));
  how.mode = (flags & O_CREAT) != 0 ? static_cast<uint64_t>(mode) : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  if (!follow_symlinks) how.flags |= O_NOFOLLOW;
  while (true) {
    const long fd = syscall(SYS_openat2, dir_fd, p.c_str(), &how, sizeof(how));
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EINTR || errno == EAGAIN) continue;
    return errno == ENOSYS ? -EXDEV : -errno;  // no openat2: fail closed
  }
}

std::pair<int, std::string> FdTable::OpenParent(int dir_fd, absl::string_view path) {
  std::string p(path);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const size_t slash = p.rfind('/');
  std::string last = slash == std::string::npos ? p : p.substr(slash + 1);
  std::string parent = slash == std::string::npos ? "." : p.substr(0, slash);
  if (parent.empty()) parent = "/";  // absolute: OpenBeneath refuses it
  if (last.empty() || last == "." || last == "..") return {-EINVAL, ""};
  const int fd = OpenBeneath(dir_fd, parent, O_PATH | O_DIRECTORY, 0, true);
  return {fd, last};
}

int32_t WasiErrno(int e) {
  switch (e) {
    case 0: return 0;
    case E2BIG: return 1;
    case EACCES: return 2;
    case EAGAIN: return 6;
    case EBADF: return 8;
    case EBUSY: return 10;
    case EEXIST: return 20;
    case EFAULT: return 21;
    case EFBIG: return 22;
    case EINTR: return 27;
    case EINVAL: return 28;
    case EIO: return 29;
    case EISDIR: return 31;
    case ELOOP: return 32;
    case EMFILE: return 33;
    case EMLINK: return 34;
    case ENAMETOOLONG: return 37;
    case ENFILE: return 41;
    case ENOENT: return 44;
    case ENOMEM: return 48;
    case ENOSPC: return 51;
    case ENOSYS: return 52;
    case ENOTDIR: return 54;
    case ENOTEMPTY: return 55;
    case ENOTSUP: return 58;
    case EPERM: return 63;
    case EROFS: return 69;
    case ESPIPE: return 70;
    case EXDEV: return 76;  // ENOTCAPABLE: the path would leave its directory
    default: return 29;     // EIO
  }
}

}  // namespace wasm::wasi
