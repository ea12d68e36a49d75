// RingPair: two single-producer single-consumer byte rings in one shared
// memfd, one per direction, so a Channel's small messages travel through
// memory instead of the socket (channel.h says how the two are combined).
//
//   memfd layout (kMappedBytes):
//     [0, 192)        direction A's indices: head | tail | waiting (a cache line each)
//     [256, 448)      direction B's indices
//     [4096, +64 KiB) direction A's bytes     (A: creator -> attacher)
//     [.., +64 KiB)   direction B's bytes     (B: attacher -> creator)
//
// A record is a 4-byte little-endian length and that many bytes, wrapping
// around the ring's end; the length kMarker (no bytes) says "the next message
// is on the socket". head and tail count bytes since the start (they never
// wrap); the producer publishes head after the record is written, the
// consumer publishes tail after it has copied the record out. `waiting` is
// the consumer's "I am going to sleep on the socket" flag (the producer then
// rings a doorbell there).
//
// The peer may be hostile (a worker): each side keeps its own index in local
// memory and only reads the other's; a peer index or length that cannot be
// (more than the capacity outstanding, a record past what was published, a
// length past kMaxRecord) is kCorrupt, never an out-of-bounds access (every
// offset is reduced modulo the capacity); a record is copied out before it
// is parsed, so the peer cannot change it under the parser.
#ifndef IPC_RING_H_
#define IPC_RING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "runtime/vm/unique_fd.h"

namespace wasm::ipc {

class RingPair {
 public:
  static constexpr uint64_t kCapacity = 64 * 1024;  // bytes per direction
  static constexpr uint32_t kMaxRecord = 16 * 1024;  // larger messages use the socket
  static constexpr uint32_t kMarker = 0xffffffffu;
  static constexpr size_t kMappedBytes = 4096 + 2 * kCapacity;

  // The creator's side: a new memfd (returned in *memfd, to send to the peer).
  static absl::StatusOr<std::unique_ptr<RingPair>> Create(UniqueFd* memfd);
  // The peer's side of `memfd` (its size must be kMappedBytes exactly).
  static absl::StatusOr<std::unique_ptr<RingPair>> Attach(int memfd);

  ~RingPair();
  RingPair(const RingPair&) = delete;
  RingPair& operator=(const RingPair&) = delete;

  // ---- producer (the outgoing direction) ----
  enum class Write { kOk, kFull, kCorrupt };
  // Appends one record: `data`, `size` bytes (size <= kMaxRecord), or the
  // marker (data == nullptr, size == kMarker).
  Write TryWrite(const void* data, uint32_t size);
  // After a write: whether the consumer had said it was going to sleep (the
  // flag is cleared; the caller rings the doorbell).
  bool TakeWaiting();

  // ---- consumer (the incoming direction) ----
  enum class Read { kEmpty, kRecord, kMarker, kCorrupt };
  // Takes the next record into *out (at most max_size bytes, else kCorrupt
  // with *error saying why).
  Read TryRead(std::string* out, uint64_t max_size, std::string* error);
  bool HasData() const;
  // Tells the producer this side is (or no longer is) about to sleep.
  void SetWaiting(bool waiting);

 private:
  RingPair(uint8_t* base, bool creator);

  uint8_t* base_;
  uint64_t* out_indices_;  // head, tail, waiting (each on its own cache line)
  uint64_t* in_indices_;
  uint8_t* out_data_;
  uint8_t* in_data_;
  uint64_t out_head_ = 0;  // ours, as published
  uint64_t in_tail_ = 0;   // ours, as published
};

}  // namespace wasm::ipc

#endif  // IPC_RING_H_
