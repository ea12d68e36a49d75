#include "host/api/memory.h"

#include "absl/strings/str_cat.h"
#include "host/api/errors.h"

namespace wasm::api {

absl::StatusOr<Memory> Memory::Create(const MemoryDescriptor& d) {
  if (d.maximum.has_value() && *d.maximum < d.initial) {
    return RangeError(absl::StrCat("Memory: initial size ", d.initial,
                                   " pages is larger than the maximum ", *d.maximum));
  }
  if (d.initial > 65536 || (d.maximum.has_value() && *d.maximum > 65536)) {
    return RangeError("Memory: sizes are limited to 65536 pages (4 GiB)");
  }
  if (d.shared && !d.maximum.has_value()) {
    return TypeError("Memory: a shared memory needs a maximum");
  }
  std::optional<uint64_t> max;
  if (d.maximum.has_value()) max = *d.maximum;
  absl::StatusOr<std::unique_ptr<LinearMemory>> memory = LinearMemory::Create(
      d.initial, max, d.shared ? MemorySharing::kShared : MemorySharing::kUnshared);
  if (!memory.ok()) return RangeError(absl::StrCat("Memory: ", memory.status().message()));
  return Memory(std::shared_ptr<LinearMemory>(*std::move(memory)));
}

MemoryBuffer Memory::Buffer() const {
  // Pages a worker added since (wasm's memory.grow) become visible here.
  (void)memory_->MapGrownPages();
  return MemoryBuffer(memory_, memory_->size_bytes());
}

absl::StatusOr<uint32_t> Memory::Grow(uint32_t delta_pages) const {
  (void)memory_->MapGrownPages();
  absl::StatusOr<uint64_t> old = memory_->Grow(delta_pages);
  if (!old.ok()) {
    return RangeError(absl::StrCat("Memory.grow(", delta_pages, "): ", old.status().message()));
  }
  return static_cast<uint32_t>(*old);
}

uint32_t Memory::pages() const {
  (void)memory_->MapGrownPages();
  return static_cast<uint32_t>(memory_->pages());
}

bool MemoryBuffer::detached() const {
  if (memory_ == nullptr) return true;
  if (memory_->sharing() == MemorySharing::kShared) return false;
  (void)memory_->MapGrownPages();
  return memory_->size_bytes() != size_;
}

uint64_t MemoryBuffer::size() const {
  if (detached()) return 0;
  return memory_->sharing() == MemorySharing::kShared ? memory_->size_bytes() : size_;
}

absl::StatusOr<absl::Span<uint8_t>> MemoryBuffer::Bytes() const {
  if (detached()) return TypeError("the memory's buffer is detached (the memory has grown)");
  return absl::Span<uint8_t>(memory_->base(), size());
}

absl::StatusOr<uint8_t*> MemoryBuffer::At(uint64_t offset, uint64_t width) const {
  if (detached()) return TypeError("the memory's buffer is detached (the memory has grown)");
  const uint64_t limit = size();
  if (offset > limit || width > limit - offset) {
    return RangeError(absl::StrCat("offset ", offset, " + ", width, " is outside the buffer of ",
                                   limit, " bytes"));
  }
  return memory_->base() + offset;
}

}  // namespace wasm::api
