// LinearMemory: a wasm 32-bit memory on a memfd, bounds-checked by the MMU.
//
// Generated code keeps the memory's base in a pinned register and does no
// explicit bounds check: an access to `index` (an i32, zero-extended) with the
// static `offset` (a u32 immediate) touches base + index + offset .. + 15 (a
// v128 is the widest access). The memory reserves enough address space that
// every such address is either inside the current size or in PROT_NONE pages
// of its own reservation, so an out-of-bounds access is a SIGSEGV at a JIT PC,
// which trap_handler.h turns into TrapKind::kMemoryOutOfBounds.
//
//  base         base + size           base + 4 GiB          base + 8 GiB   + 64 KiB
//   │ read/write  │ PROT_NONE, MAP_NORESERVE: address space only, no memory      │
//   │ MAP_SHARED  │ memory.grow maps memfd pages here;  │ reachable only as  │guard│
//   │ memfd[0,sz) │ base never moves                    │ index + offset     │     │
//   ├─────────────┼─────────────────────────────────────┼────────────────────┼─────┤
//   0            size                                  2^32                 2^33  2^33 + 2^16
//
//   largest address = base + (2^32 - 1) + (2^32 - 1) + 15 = base + 2^33 + 13
//                   < base + kReservationBytes
//
// The bytes live in a memfd (MFD_CLOEXEC | MFD_ALLOW_SEALING) whose size is
// the memory's size, sealed with F_SEAL_SHRINK | F_SEAL_SEAL: nobody holding
// the descriptor (a worker, later) can shrink it under another process's
// mapping (which would turn valid accesses into SIGBUS) or add seals that
// would stop memory.grow. MapExisting maps the same memfd in another instance
// or process with the same reservation scheme; writes through either mapping
// are visible through the other.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<LinearMemory> memory,
//                    LinearMemory::Create(1, 16, MemorySharing::kUnshared));
//   memory->base()[0] = 42;
//   ASSIGN_OR_RETURN(uint64_t old_pages, memory->Grow(2));  // 1; base unchanged
//   ASSIGN_OR_RETURN(UniqueFd fd, memory->DuplicateFd());
//   ASSIGN_OR_RETURN(auto other, LinearMemory::MapExisting(
//                        std::move(fd), 16, MemorySharing::kUnshared));
//   other->base()[0] == 42
//
// Invariant: base() never changes and [base, base + kReservationBytes) stays
//   reserved by this object until it is destroyed; every byte of it is either
//   mapped read/write from the memfd ([0, size_bytes())) or PROT_NONE.
// Invariant: size_bytes() is a multiple of kPageBytes, at most
//   kMaxMemoryPages * kPageBytes (4 GiB) and at most the memfd's size.
// Invariant: only one process grows a given memfd (the broker, which owns
//   shared segments); other mappings catch up with MapGrownPages().
#ifndef RUNTIME_VM_LINEAR_MEMORY_H_
#define RUNTIME_VM_LINEAR_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "runtime/vm/unique_fd.h"

namespace wasm {

// Whether the memory was declared `shared` (threads proposal). A shared
// memory must declare a maximum and is never detached by grow.
enum class MemorySharing { kUnshared, kShared };

// What generated code reads, at fixed offsets (kMemoryViewBaseOffset, ...).
// The instance context points at the memory's view (LinearMemory::view()).
struct MemoryView {
  uint8_t* base;  // never changes
  uint64_t size;  // bytes accessible now; written with release order by grow
};
inline constexpr int32_t kMemoryViewBaseOffset = offsetof(MemoryView, base);
inline constexpr int32_t kMemoryViewSizeOffset = offsetof(MemoryView, size);
static_assert(kMemoryViewBaseOffset == 0 && kMemoryViewSizeOffset == 8);

class LinearMemory {
 public:
  static constexpr uint64_t kPageBytes = 64 * 1024;
  // Past 2^33 (the largest index + offset): covers the width of any access.
  static constexpr uint64_t kGuardBytes = 64 * 1024;
  static constexpr uint64_t kReservationBytes = (uint64_t{1} << 33) + kGuardBytes;

  // A new zero-filled memory of `initial_pages`, growable up to `max_pages`
  // (absent: up to 65536 pages, the spec's limit for 32-bit memories).
  // InvalidArgument for limits the spec rejects; ResourceExhausted when the
  // address space or the memfd cannot be had.
  static absl::StatusOr<std::unique_ptr<LinearMemory>> Create(
      uint64_t initial_pages, std::optional<uint64_t> max_pages,
      MemorySharing sharing);

  // Maps an existing memory's memfd (from DuplicateFd(), possibly received
  // from another process) in a fresh reservation. The memfd is not trusted:
  // it must carry F_SEAL_SHRINK and F_SEAL_SEAL, its size is rounded down to
  // whole pages and clamped to the maximum.
  static absl::StatusOr<std::unique_ptr<LinearMemory>> MapExisting(
      UniqueFd fd, std::optional<uint64_t> max_pages, MemorySharing sharing);

  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;
  // Unmaps the whole reservation and closes the memfd.
  ~LinearMemory();

  uint8_t* base() const { return view_.base; }
  // Safe to call from any thread (acquire load).
  uint64_t size_bytes() const;
  uint64_t pages() const { return size_bytes() / kPageBytes; }
  std::optional<uint64_t> max_pages() const { return max_pages_; }
  MemorySharing sharing() const { return sharing_; }

  // The memfd; still owned by this object.
  int fd() const { return fd_.get(); }
  // A close-on-exec duplicate of the memfd, to map elsewhere (MapExisting) or
  // to send to a worker.
  absl::StatusOr<UniqueFd> DuplicateFd() const;

  // The base / size pair generated code reads. Stable for the memory's life.
  const MemoryView* view() const { return &view_; }

  // memory.grow: adds `delta_pages` zero-filled pages and returns the old page
  // count; Grow(0) returns the current one. OutOfRange when the new size is
  // past the maximum ("memory.grow: 70000 pages exceeds the maximum of
  // 65536"), ResourceExhausted when the memfd or the mapping cannot grow; the
  // memory is unchanged on error. Thread-safe (shared memories).
  absl::StatusOr<uint64_t> Grow(uint64_t delta_pages);

  // Maps pages that another mapping of the same memfd added with Grow (the
  // memfd is larger than this mapping). Returns the page count now mapped.
  absl::StatusOr<uint64_t> MapGrownPages();

  // A cap on every memory of this process, in bytes (a sandboxed worker
  // holds one instance, so this is the host's --max-memory for it): Create
  // refuses a larger initial size (ResourceExhausted), Grow past it fails
  // like growth past the maximum (wasm's memory.grow returns -1). Unset: no
  // cap beyond each memory's maximum.
  static void SetProcessLimitBytes(std::optional<uint64_t> limit);

 private:
  LinearMemory(UniqueFd fd, std::optional<uint64_t> max_pages,
               MemorySharing sharing);

  // Reserves kReservationBytes of PROT_NONE address space; sets view_.base.
  absl::Status Reserve();
  // Maps memfd bytes [size, new_size) read/write and publishes new_size.
  absl::Status MapUpTo(uint64_t new_size) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // The memfd's size in bytes.
  absl::StatusOr<uint64_t> FileSize() const;
  // The largest size this memory may have, in pages.
  uint64_t PageLimit() const;

  const UniqueFd fd_;
  const std::optional<uint64_t> max_pages_;
  const MemorySharing sharing_;
  absl::Mutex mutex_;  // serialises Grow / MapGrownPages
  MemoryView view_ = {nullptr, 0};
};

}  // namespace wasm

#endif  // RUNTIME_VM_LINEAR_MEMORY_H_
