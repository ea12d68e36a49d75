#include "host/global_segment.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <new>

namespace wasm::host {

absl::StatusOr<std::unique_ptr<GlobalSegment>> GlobalSegment::Create(GlobalType type,
                                                                     uint64_t bits) {
  UniqueFd fd(memfd_create("wasm-global", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) return absl::ErrnoToStatus(errno, "memfd_create for a global");
  const long page = sysconf(_SC_PAGESIZE);
  if (ftruncate(fd.get(), page) != 0) return absl::ErrnoToStatus(errno, "sizing a global's memfd");
  // A worker must not shrink the page under the broker's mapping.
  if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    return absl::ErrnoToStatus(errno, "sealing a global's memfd");
  }
  void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (p == MAP_FAILED) return absl::ErrnoToStatus(errno, "mapping a global's memfd");
  auto* cell = new (p) GlobalCell();
  cell->Set(type.type, bits);
  return std::unique_ptr<GlobalSegment>(new GlobalSegment(type, std::move(fd), p, 0, 0));
}

absl::StatusOr<std::unique_ptr<GlobalSegment>> GlobalSegment::Map(GlobalType type, UniqueFd fd,
                                                                  uint64_t offset) {
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const int seals = fcntl(fd.get(), F_GET_SEALS);
  if (seals < 0 || (seals & F_SEAL_SHRINK) == 0) {
    return absl::InvalidArgumentError("a global's memfd is not sealed against shrinking");
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0 || offset % alignof(GlobalCell) != 0 ||
      offset > static_cast<uint64_t>(st.st_size) ||
      static_cast<uint64_t>(st.st_size) - offset < sizeof(GlobalCell)) {
    return absl::InvalidArgumentError("a global's cell is outside its memfd");
  }
  const uint64_t page_offset = offset - offset % page;
  void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(),
                 static_cast<off_t>(page_offset));
  if (p == MAP_FAILED) return absl::ErrnoToStatus(errno, "mapping a global's cell");
  return std::unique_ptr<GlobalSegment>(new GlobalSegment(type, std::move(fd), p, offset, page_offset));
}

GlobalSegment::~GlobalSegment() { munmap(page_, sysconf(_SC_PAGESIZE)); }

}  // namespace wasm::host
