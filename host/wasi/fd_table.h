// FdTable: a WASI program's descriptors, as the broker holds them — the
// standard streams (0, 1, 2), the preopened directories (3, 4, ...), and the
// files and directories opened beneath them.
//
// Paths are resolved only beneath a directory descriptor, by the kernel:
// openat2 with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so an absolute path,
// a "..", or a symlink that would leave the directory fails (EXDEV, reported
// to wasm as ENOTCAPABLE) at whatever depth it occurs. Operations that take
// a final name (mkdir, unlink, rename, ...) open the parent that way and act
// on a single component that is neither "." nor "..". Where openat2 is
// missing (kernel < 5.6) every path operation fails closed.
//
//   FdTable fds;
//   ASSIGN_OR_RETURN(uint32_t fd, fds.Preopen("/tmp/sandbox", "/data"));   // 3
//   absl::StatusOr<int> host = fds.OpenBeneath(fd, "a/b.txt", O_RDONLY, 0);
//   // errno values come back in the status's code / message (ErrnoOf()).
#ifndef HOST_WASI_FD_TABLE_H_
#define HOST_WASI_FD_TABLE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wasm::wasi {

struct FdEntry {
  int host_fd = -1;
  bool owned = true;          // closed by the table (not the standard streams)
  bool directory = false;
  std::optional<std::string> preopen_name;  // the guest path of a preopen
  bool readable = true;
  bool writable = true;
};

class FdTable {
 public:
  FdTable(int stdin_fd, int stdout_fd, int stderr_fd);
  ~FdTable();
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  // Opens `host_path` (a directory) as the next descriptor, named `guest_path`
  // for the program. The error names the path.
  absl::StatusOr<uint32_t> Preopen(const std::string& host_path, const std::string& guest_path);

  FdEntry* Get(uint32_t fd);
  uint32_t Insert(FdEntry entry);
  // False when `fd` is not open.
  bool Close(uint32_t fd);

  // openat2(dir, path, flags | O_CLOEXEC, mode, RESOLVE_BENEATH | ...); the
  // host descriptor, or -errno.
  int OpenBeneath(int dir_fd, absl::string_view path, int flags, int mode, bool follow_symlinks);
  // The parent of `path` opened beneath `dir_fd` (O_PATH | O_DIRECTORY) and
  // its last component; -errno (EINVAL for "", ".", ".." or a trailing "/"
  // ending) in .first on failure.
  std::pair<int, std::string> OpenParent(int dir_fd, absl::string_view path);

 private:
  std::map<uint32_t, FdEntry> fds_;
};

// WASI's errno for a host errno (ENOTCAPABLE for EXDEV: an escape attempt).
int32_t WasiErrno(int host_errno);

}  // namespace wasm::wasi

#endif  // HOST_WASI_FD_TABLE_H_
