// Channel: one end of an AF_UNIX SOCK_SEQPACKET socketpair carrying
// Envelopes (ipc/messages.proto), one per record, memfds beside them by
// SCM_RIGHTS.
//
// A record is a one-byte frame tag followed by its payload:
//
//   tag 0  inline: the serialized Envelope (at most kMaxInlineBytes)
//   tag 1  in a memfd: 8 bytes little-endian length; the Envelope's bytes are
//          the first `length` bytes of the first attached fd (large modules)
//
// Receive treats the peer as hostile: a truncated record, a wrong tag, a
// length past the receive limit (set_max_receive_payload), a memfd shorter
// than it claims, more than kMaxFds descriptors or bytes that do not parse
// (and, with the ring, everything listed in ring.h) are all a DataLoss error
// ("malformed message from peer: ..."), never a crash; the descriptors that
// came with it are closed. The memfd payload is read with pread, never mapped,
// so a peer that shrinks it afterwards cannot fault the reader.
//
//   ASSIGN_OR_RETURN(ChannelPair pair, Channel::CreatePair());
//   RETURN_IF_ERROR(pair.first.Send(envelope));
//   ASSIGN_OR_RETURN(Channel::Message m, pair.second.Receive(absl::Seconds(2)));
//
// Errors: Unavailable when the peer has closed its end (or died; an empty
// record reads the same, as recvmsg returns 0 for both),
// DeadlineExceeded when nothing arrived in time, DataLoss as above.
//
// The ring (EnableRing, ring.h): one side (the broker) may put a shared
// memfd with two byte rings beside the socket; from then on a message
// without descriptors and of at most RingPair::kMaxRecord bytes travels
// through the ring (no syscall when the receiver is spinning), and any
// other one through the socket behind a marker in the ring, so the order is
// kept. Control records on the socket:
//
//   tag 2  doorbell: the receiver had announced it was going to sleep on
//          the socket; look at the ring
//   tag 3  ring setup (creator -> attacher), the memfd attached; the
//          creator's messages after it come through the ring
//   tag 4  ring acknowledgement (attacher -> creator): the attacher's
//          messages after it come through the ring
//
// A receiver spins on the ring for up to spin(), then sets its `waiting`
// flag, looks once more, and sleeps in poll() on the socket, where a
// doorbell, the peer's EOF or the deadline wakes it. Everything the peer
// writes into the ring is checked as hostile (ring.h).
#ifndef IPC_CHANNEL_H_
#define IPC_CHANNEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ipc/messages.pb.h"
#include "ipc/ring.h"
#include "runtime/vm/unique_fd.h"

namespace wasm::ipc {

class Channel {
 public:
  static constexpr size_t kMaxInlineBytes = 32 * 1024;
  static constexpr uint64_t kMaxPayloadBytes = uint64_t{1} << 30;  // 1 GiB
  static constexpr size_t kMaxFds = 4;

  struct Message {
    Envelope envelope;
    std::vector<UniqueFd> fds;  // attached descriptors (payload memfd excluded)
  };

  // A connected pair (close-on-exec).
  static absl::StatusOr<std::pair<Channel, Channel>> CreatePair();

  Channel() = default;
  explicit Channel(UniqueFd fd) : fd_(std::move(fd)) {}
  Channel(Channel&&) = default;
  Channel& operator=(Channel&&) = default;

  int fd() const { return fd_.get(); }
  bool valid() const { return fd_.valid(); }
  UniqueFd Release() { return std::move(fd_); }

  // Creates the ring and sends its setup record. For the side that owns the
  // channel (a broker); the peer's Receive attaches it.
  absl::Status EnableRing();
  bool ring_enabled() const { return ring_ != nullptr; }

  // Sends `envelope` with `fds` attached (they stay owned by the caller).
  // Large envelopes travel in a memfd (tag 1). DeadlineExceeded when the
  // peer's queue stays full for `timeout`.
  absl::Status Send(const Envelope& envelope, absl::Span<const int> fds = {},
                    absl::Duration timeout = absl::InfiniteDuration()) const;

  // Waits for the next record, at most `timeout` (absl::InfiniteDuration()
  // blocks without polling). Spins (non-blocking reads) for up to spin()
  // before it sleeps.
  absl::StatusOr<Message> Receive(absl::Duration timeout = absl::InfiniteDuration()) const;

  // How long Receive busy-waits before sleeping: a round trip whose reply
  // comes within it costs no wake-ups. Zero: sleep at once.
  absl::Duration spin() const { return spin_; }
  void set_spin(absl::Duration spin) { spin_ = spin; }
  static constexpr absl::Duration kDefaultSpin = absl::Microseconds(50);

  // The largest envelope Receive accepts (kMaxPayloadBytes by default; a
  // broker lowers it for what a worker may send it). Send's limit is always
  // kMaxPayloadBytes: a broker sends modules of any size up to that.
  void set_max_receive_payload(uint64_t bytes) { max_receive_payload_ = bytes; }

 private:
  struct SocketRecord {
    uint8_t tag = 0;
    Message message;  // the envelope for tags 0 and 1; the memfd for tag 3
  };
  absl::StatusOr<SocketRecord> ReceiveSocket(absl::Time deadline, bool spin) const;
  // Appends one record (or the marker: nullptr, RingPair::kMarker), waiting
  // for room until the deadline; rings the doorbell if the peer sleeps.
  absl::Status WriteToRing(const void* data, uint32_t size, absl::Time deadline) const;

  UniqueFd fd_;
  absl::Duration spin_ = kDefaultSpin;
  uint64_t max_receive_payload_ = kMaxPayloadBytes;
  // The protocol's state (Send and Receive are const: they change the
  // channel's position, not what it is).
  mutable std::unique_ptr<RingPair> ring_;
  mutable bool ring_creator_ = false;
  mutable bool send_ring_ = false;        // our messages go through the ring
  mutable bool recv_ring_ = false;        // the peer's come through it
  mutable bool pending_socket_ = false;   // a marker was read: the socket has the next one
};

// True for the DataLoss errors Receive returns for a malformed record.
bool IsMalformed(const absl::Status& status);

}  // namespace wasm::ipc

#endif  // IPC_CHANNEL_H_
