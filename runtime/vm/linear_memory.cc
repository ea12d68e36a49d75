// LinearMemory: memfd creation and sealing, the reservation, grow.
#include "runtime/vm/linear_memory.h"

#include <algorithm>
#include <atomic>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/limits.h"
#include "runtime/status_macros.h"

namespace wasm {
namespace {

constexpr int kRequiredSeals = F_SEAL_SHRINK | F_SEAL_SEAL;

static_assert(kMaxMemoryPages * LinearMemory::kPageBytes == (uint64_t{1} << 32));
// The largest address generated code can form, + the widest access (v128).
static_assert((uint64_t{0xffffffff} + uint64_t{0xffffffff} + 16) <=
              LinearMemory::kReservationBytes);

absl::Status CheckLimits(uint64_t initial_pages, std::optional<uint64_t> max_pages,
                         MemorySharing sharing) {
  if (initial_pages > kMaxMemoryPages) {
    return absl::InvalidArgumentError(
        absl::StrCat("memory: initial size of ", initial_pages,
                     " pages exceeds the maximum of ", kMaxMemoryPages));
  }
  if (max_pages.has_value()) {
    if (*max_pages > kMaxMemoryPages) {
      return absl::InvalidArgumentError(
          absl::StrCat("memory: a maximum of ", *max_pages,
                       " pages exceeds the limit of ", kMaxMemoryPages));
    }
    if (initial_pages > *max_pages) {
      return absl::InvalidArgumentError(
          absl::StrCat("memory: initial size of ", initial_pages,
                       " pages exceeds the declared maximum of ", *max_pages));
    }
  }
  if (sharing == MemorySharing::kShared && !max_pages.has_value()) {
    return absl::InvalidArgumentError("memory: a shared memory must declare a maximum");
  }
  return absl::OkStatus();
}

}  // namespace

LinearMemory::LinearMemory(UniqueFd fd, std::optional<uint64_t> max_pages,
                           MemorySharing sharing)
    : fd_(std::move(fd)), max_pages_(max_pages), sharing_(sharing) {}

LinearMemory::~LinearMemory() {
  if (view_.base != nullptr) munmap(view_.base, kReservationBytes);
}

namespace {
// Pages; kMaxMemoryPages when no process limit is set.
std::atomic<uint64_t> g_process_page_limit{kMaxMemoryPages};
}  // namespace

absl::StatusOr<std::unique_ptr<LinearMemory>> LinearMemory::Create(
    uint64_t initial_pages, std::optional<uint64_t> max_pages, MemorySharing sharing) {
  RETURN_IF_ERROR(CheckLimits(initial_pages, max_pages, sharing));
  if (initial_pages > g_process_page_limit.load()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "memory: ", initial_pages, " pages exceed this process's limit of ",
        g_process_page_limit.load(), " pages (", g_process_page_limit.load() * kPageBytes, " bytes)"));
  }
  UniqueFd fd(memfd_create("wasm-memory", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) return absl::ErrnoToStatus(errno, "memory: memfd_create");
  const uint64_t size = initial_pages * kPageBytes;
  if (ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("memory: ftruncate to ", size, " bytes"));
  }
  if (fcntl(fd.get(), F_ADD_SEALS, kRequiredSeals) != 0) {
    return absl::ErrnoToStatus(errno, "memory: sealing the memfd");
  }
  std::unique_ptr<LinearMemory> memory(new LinearMemory(std::move(fd), max_pages, sharing));
  RETURN_IF_ERROR(memory->Reserve());
  absl::MutexLock lock(&memory->mutex_);
  RETURN_IF_ERROR(memory->MapUpTo(size));
  return memory;
}

absl::StatusOr<std::unique_ptr<LinearMemory>> LinearMemory::MapExisting(
    UniqueFd fd, std::optional<uint64_t> max_pages, MemorySharing sharing) {
  if (!fd.valid()) return absl::InvalidArgumentError("memory: no memfd to map");
  RETURN_IF_ERROR(CheckLimits(0, max_pages, sharing));
  int seals = fcntl(fd.get(), F_GET_SEALS);
  if (seals < 0) return absl::ErrnoToStatus(errno, "memory: F_GET_SEALS (not a memfd?)");
  if ((seals & kRequiredSeals) != kRequiredSeals) {
    return absl::InvalidArgumentError(
        "memory: the memfd is not sealed with F_SEAL_SHRINK | F_SEAL_SEAL");
  }
  std::unique_ptr<LinearMemory> memory(new LinearMemory(std::move(fd), max_pages, sharing));
  RETURN_IF_ERROR(memory->Reserve());
  RETURN_IF_ERROR(memory->MapGrownPages().status());
  return memory;
}

uint64_t LinearMemory::size_bytes() const {
  return __atomic_load_n(&view_.size, __ATOMIC_ACQUIRE);
}

absl::StatusOr<UniqueFd> LinearMemory::DuplicateFd() const { return fd_.Duplicate(); }

void LinearMemory::SetProcessLimitBytes(std::optional<uint64_t> limit) {
  g_process_page_limit.store(
      limit.has_value() ? std::min<uint64_t>(*limit / kPageBytes, kMaxMemoryPages) : kMaxMemoryPages);
}

uint64_t LinearMemory::PageLimit() const {
  return std::min(max_pages_.value_or(kMaxMemoryPages), g_process_page_limit.load());
}

absl::Status LinearMemory::Reserve() {
  void* base = mmap(nullptr, kReservationBytes, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("memory: reserving ", kReservationBytes, " bytes of address space"));
  }
  view_.base = static_cast<uint8_t*>(base);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> LinearMemory::FileSize() const {
  struct stat st;
  if (fstat(fd_.get(), &st) != 0) return absl::ErrnoToStatus(errno, "memory: fstat");
  return static_cast<uint64_t>(st.st_size);
}

absl::Status LinearMemory::MapUpTo(uint64_t new_size) {
  const uint64_t old_size = view_.size;
  if (new_size <= old_size) return absl::OkStatus();
  uint8_t* start = view_.base + old_size;
  const uint64_t length = new_size - old_size;
  void* mapped = mmap(start, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                      fd_.get(), static_cast<off_t>(old_size));
  if (mapped == MAP_FAILED) {
    const int error = errno;
    // A failed MAP_FIXED may already have unmapped part of the range. A hole
    // in the reservation could later receive an unrelated mapping that wasm
    // code would reach without faulting, so it is closed again or we die.
    void* closed = mmap(start, length, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    if (closed == MAP_FAILED) {
      ABSL_RAW_LOG(FATAL, "memory: cannot restore the reservation after a failed grow");
    }
    return absl::ErrnoToStatus(
        error, absl::StrCat("memory: mapping ", length, " bytes at offset ", old_size));
  }
  __atomic_store_n(&view_.size, new_size, __ATOMIC_RELEASE);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> LinearMemory::Grow(uint64_t delta_pages) {
  absl::MutexLock lock(&mutex_);
  const uint64_t old_pages = view_.size / kPageBytes;
  const uint64_t limit = PageLimit();
  // delta_pages is at most 2^32 - 1 from wasm but may be anything from C++;
  // the comparison cannot overflow (old_pages <= limit).
  if (delta_pages > limit - old_pages) {
    const uint64_t new_pages = delta_pages > UINT64_MAX - old_pages
                                   ? UINT64_MAX
                                   : old_pages + delta_pages;
    return absl::OutOfRangeError(absl::StrCat("memory.grow: ", new_pages,
                                              " pages exceeds the maximum of ", limit));
  }
  if (delta_pages == 0) return old_pages;
  const uint64_t new_size = (old_pages + delta_pages) * kPageBytes;
  ASSIGN_OR_RETURN(uint64_t file_size, FileSize());
  // The memfd may already be larger (another mapping grew it); it never
  // shrinks (F_SEAL_SHRINK), so ftruncate only ever extends it.
  if (file_size < new_size && ftruncate(fd_.get(), static_cast<off_t>(new_size)) != 0) {
    const int error = errno;
    return absl::ErrnoToStatus(error == EFBIG ? ENOMEM : error,
                               absl::StrCat("memory.grow: ftruncate to ", new_size, " bytes"));
  }
  RETURN_IF_ERROR(MapUpTo(new_size));
  return old_pages;
}

absl::StatusOr<uint64_t> LinearMemory::MapGrownPages() {
  absl::MutexLock lock(&mutex_);
  ASSIGN_OR_RETURN(uint64_t file_size, FileSize());
  uint64_t new_size = file_size - file_size % kPageBytes;
  if (new_size > PageLimit() * kPageBytes) new_size = PageLimit() * kPageBytes;
  RETURN_IF_ERROR(MapUpTo(new_size));
  return view_.size / kPageBytes;
}

}  // namespace wasm
