#include "ipc/ring.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace wasm::ipc {
namespace {

// Index words, in uint64_t units from a direction's start: a cache line each.
constexpr size_t kHead = 0;
constexpr size_t kTail = 8;
constexpr size_t kWaiting = 16;
constexpr size_t kDirectionB = 256;  // bytes from the mapping's start
constexpr size_t kDataStart = 4096;

uint64_t Load(uint64_t* word, std::memory_order order) {
  return std::atomic_ref<uint64_t>(*word).load(order);
}
void Store(uint64_t* word, uint64_t value, std::memory_order order) {
  std::atomic_ref<uint64_t>(*word).store(value, order);
}

// Copies between a linear buffer and the ring at `position` (any value;
// reduced modulo the capacity), in at most two pieces.
void CopyIn(uint8_t* ring, uint64_t position, const void* src, size_t n) {
  const size_t at = position % RingPair::kCapacity;
  const size_t first = std::min<size_t>(n, RingPair::kCapacity - at);
  std::memcpy(ring + at, src, first);
  std::memcpy(ring, static_cast<const uint8_t*>(src) + first, n - first);
}
void CopyOut(const uint8_t* ring, uint64_t position, void* dst, size_t n) {
  const size_t at = position % RingPair::kCapacity;
  const size_t first = std::min<size_t>(n, RingPair::kCapacity - at);
  std::memcpy(dst, ring + at, first);
  std::memcpy(static_cast<uint8_t*>(dst) + first, ring, n - first);
}

absl::StatusOr<uint8_t*> Map(int fd) {
  void* p = mmap(nullptr, RingPair::kMappedBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return absl::ErrnoToStatus(errno, "mmap of the ring");
  return static_cast<uint8_t*>(p);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RingPair>> RingPair::Create(UniqueFd* memfd) {
  UniqueFd fd(memfd_create("wasm-ipc-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) return absl::ErrnoToStatus(errno, "memfd_create for the ring");
  if (ftruncate(fd.get(), kMappedBytes) != 0) return absl::ErrnoToStatus(errno, "ftruncate");
  // The peer must not be able to shrink it under us (a fault) or grow it.
  if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    return absl::ErrnoToStatus(errno, "sealing the ring");
  }
  absl::StatusOr<uint8_t*> base = Map(fd.get());
  if (!base.ok()) return base.status();
  *memfd = std::move(fd);
  return std::unique_ptr<RingPair>(new RingPair(*base, /*creator=*/true));
}

absl::StatusOr<std::unique_ptr<RingPair>> RingPair::Attach(int memfd) {
  struct stat st;
  if (fstat(memfd, &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) != kMappedBytes) {
    return absl::InvalidArgumentError("the ring memfd has the wrong size");
  }
  const int seals = fcntl(memfd, F_GET_SEALS);
  if (seals < 0 || (seals & F_SEAL_SHRINK) == 0) {
    return absl::InvalidArgumentError("the ring memfd is not sealed against shrinking");
  }
  absl::StatusOr<uint8_t*> base = Map(memfd);
  if (!base.ok()) return base.status();
  return std::unique_ptr<RingPair>(new RingPair(*base, /*creator=*/false));
}

RingPair::RingPair(uint8_t* base, bool creator) : base_(base) {
  uint64_t* a = reinterpret_cast<uint64_t*>(base);
  uint64_t* b = reinterpret_cast<uint64_t*>(base + kDirectionB);
  uint8_t* data_a = base + kDataStart;
  uint8_t* data_b = data_a + kCapacity;
  out_indices_ = creator ? a : b;
  in_indices_ = creator ? b : a;
  out_data_ = creator ? data_a : data_b;
  in_data_ = creator ? data_b : data_a;
  // Continue from what is there (zero for a new ring).
  out_head_ = Load(out_indices_ + kHead, std::memory_order_acquire);
  in_tail_ = Load(in_indices_ + kTail, std::memory_order_acquire);
}

RingPair::~RingPair() { munmap(base_, kMappedBytes); }

RingPair::Write RingPair::TryWrite(const void* data, uint32_t size) {
  const bool marker = data == nullptr && size == kMarker;
  if (!marker && size > kMaxRecord) return Write::kCorrupt;
  const uint64_t record = 4 + (marker ? 0 : uint64_t{size});
  const uint64_t tail = Load(out_indices_ + kTail, std::memory_order_acquire);
  const uint64_t used = out_head_ - tail;
  if (used > kCapacity) return Write::kCorrupt;  // the consumer's index is nonsense
  if (kCapacity - used < record) return Write::kFull;
  uint8_t length[4];
  for (int i = 0; i < 4; ++i) length[i] = static_cast<uint8_t>(size >> (8 * i));
  CopyIn(out_data_, out_head_, length, 4);
  if (!marker) CopyIn(out_data_, out_head_ + 4, data, size);
  out_head_ += record;
  // seq_cst: ordered before TakeWaiting's read (see SetWaiting).
  Store(out_indices_ + kHead, out_head_, std::memory_order_seq_cst);
  return Write::kOk;
}

bool RingPair::TakeWaiting() {
  return std::atomic_ref<uint64_t>(out_indices_[kWaiting]).exchange(0, std::memory_order_seq_cst) !=
         0;
}

RingPair::Read RingPair::TryRead(std::string* out, uint64_t max_size, std::string* error) {
  const uint64_t head = Load(in_indices_ + kHead, std::memory_order_acquire);
  const uint64_t available = head - in_tail_;
  if (available == 0) return Read::kEmpty;
  if (available > kCapacity || available < 4) {
    *error = absl::StrCat("ring with ", available, " bytes outstanding");
    return Read::kCorrupt;
  }
  uint8_t length[4];
  CopyOut(in_data_, in_tail_, length, 4);
  uint32_t size = 0;
  for (int i = 0; i < 4; ++i) size |= uint32_t{length[i]} << (8 * i);
  if (size == kMarker) {
    in_tail_ += 4;
    Store(in_indices_ + kTail, in_tail_, std::memory_order_release);
    return Read::kMarker;
  }
  if (size > kMaxRecord || size > max_size || 4 + uint64_t{size} > available) {
    *error = absl::StrCat("ring record of ", size, " bytes (", available, " published, limit ",
                          std::min<uint64_t>(kMaxRecord, max_size), ")");
    return Read::kCorrupt;
  }
  out->resize(size);
  CopyOut(in_data_, in_tail_ + 4, out->data(), size);
  in_tail_ += 4 + uint64_t{size};
  Store(in_indices_ + kTail, in_tail_, std::memory_order_release);
  return Read::kRecord;
}

bool RingPair::HasData() const {
  return Load(in_indices_ + kHead, std::memory_order_seq_cst) != in_tail_;
}

void RingPair::SetWaiting(bool waiting) {
  // seq_cst store, then the caller re-checks HasData: with the producer's
  // seq_cst head store and TakeWaiting, either the consumer sees the record
  // or the producer sees the flag (and rings).
  std::atomic_ref<uint64_t>(in_indices_[kWaiting])
      .store(waiting ? 1 : 0, std::memory_order_seq_cst);
}

}  // namespace wasm::ipc
