// Memory: a linear memory, created by the host (a broker-owned memfd that
// each importing worker maps) or exported by an instance (its memfd, mapped
// here too). Sizes are in 64 KiB pages.
//
//   ASSIGN_OR_RETURN(Memory memory, Memory::Create({.initial = 10, .maximum = 100}));
//   MemoryBuffer view = memory.Buffer();
//   RETURN_IF_ERROR(view.SetUint32(0, 7));          // little-endian, like DataView
//   ASSIGN_OR_RETURN(uint32_t old_pages, memory.Grow(1));   // 10
//   view.detached() == true                          // unshared: grow detaches
//   memory.Grow(1000).status()                       // RangeError: past the maximum
//
// A view records the size it was made for; once the memory has grown (by the
// host or by wasm's memory.grow) the views of an unshared memory are
// detached: every access is a TypeError, never a dangling pointer. Views of a
// shared memory stay valid and see the new size.
#ifndef HOST_API_MEMORY_H_
#define HOST_API_MEMORY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <cstring>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/vm/linear_memory.h"

namespace wasm::api {

struct MemoryDescriptor {
  uint32_t initial = 0;
  std::optional<uint32_t> maximum;
  bool shared = false;  // needs a maximum
};

class MemoryBuffer {
 public:
  bool detached() const;
  // Bytes in the view (0 when detached).
  uint64_t size() const;
  // The bytes themselves; TypeError when detached.
  absl::StatusOr<absl::Span<uint8_t>> Bytes() const;

  absl::StatusOr<uint8_t> GetUint8(uint64_t offset) const { return Get<uint8_t>(offset); }
  absl::StatusOr<uint32_t> GetUint32(uint64_t offset) const { return Get<uint32_t>(offset); }
  absl::StatusOr<int32_t> GetInt32(uint64_t offset) const { return Get<int32_t>(offset); }
  absl::StatusOr<uint64_t> GetUint64(uint64_t offset) const { return Get<uint64_t>(offset); }
  absl::StatusOr<float> GetFloat32(uint64_t offset) const { return Get<float>(offset); }
  absl::StatusOr<double> GetFloat64(uint64_t offset) const { return Get<double>(offset); }
  absl::Status SetUint8(uint64_t offset, uint8_t v) const { return Set(offset, v); }
  absl::Status SetUint32(uint64_t offset, uint32_t v) const { return Set(offset, v); }
  absl::Status SetInt32(uint64_t offset, int32_t v) const { return Set(offset, v); }
  absl::Status SetUint64(uint64_t offset, uint64_t v) const { return Set(offset, v); }
  absl::Status SetFloat32(uint64_t offset, float v) const { return Set(offset, v); }
  absl::Status SetFloat64(uint64_t offset, double v) const { return Set(offset, v); }

  // Typed little-endian access (x86-64 is little-endian): TypeError when
  // detached, RangeError when [offset, offset + sizeof(T)) is not inside.
  template <typename T>
  absl::StatusOr<T> Get(uint64_t offset) const;
  template <typename T>
  absl::Status Set(uint64_t offset, T value) const;

 private:
  friend class Memory;
  MemoryBuffer(std::shared_ptr<LinearMemory> memory, uint64_t size)
      : memory_(std::move(memory)), size_(size) {}
  absl::StatusOr<uint8_t*> At(uint64_t offset, uint64_t width) const;

  std::shared_ptr<LinearMemory> memory_;
  uint64_t size_;
};

class Memory {
 public:
  // RangeError for limits the spec rejects (initial > maximum, > 65536
  // pages, shared without a maximum).
  static absl::StatusOr<Memory> Create(const MemoryDescriptor& descriptor);

  // A view of the current bytes (see the class comment on detaching).
  MemoryBuffer Buffer() const;
  // memory.grow from the host: the old size in pages, or a RangeError past
  // the maximum.
  absl::StatusOr<uint32_t> Grow(uint32_t delta_pages) const;
  uint32_t pages() const;

  // Internal (host/api): the memory behind the handle.
  explicit Memory(std::shared_ptr<LinearMemory> memory) : memory_(std::move(memory)) {}
  const std::shared_ptr<LinearMemory>& linear_memory() const { return memory_; }

 private:
  std::shared_ptr<LinearMemory> memory_;
};

template <typename T>
absl::StatusOr<T> MemoryBuffer::Get(uint64_t offset) const {
  absl::StatusOr<uint8_t*> p = At(offset, sizeof(T));
  if (!p.ok()) return p.status();
  T value;
  std::memcpy(&value, *p, sizeof(T));
  return value;
}

template <typename T>
absl::Status MemoryBuffer::Set(uint64_t offset, T value) const {
  absl::StatusOr<uint8_t*> p = At(offset, sizeof(T));
  if (!p.ok()) return p.status();
  std::memcpy(*p, &value, sizeof(T));
  return absl::OkStatus();
}

}  // namespace wasm::api

#endif  // HOST_API_MEMORY_H_
