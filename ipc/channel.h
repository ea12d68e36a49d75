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
// length past the receive limit (set_max_receive_payload), a memfd shorter than it claims, more than
// kMaxFds descriptors or bytes that do not parse are all a DataLoss error
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
#ifndef IPC_CHANNEL_H_
#define IPC_CHANNEL_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ipc/messages.pb.h"
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
  UniqueFd fd_;
  absl::Duration spin_ = kDefaultSpin;
  uint64_t max_receive_payload_ = kMaxPayloadBytes;
};

// True for the DataLoss errors Receive returns for a malformed record.
bool IsMalformed(const absl::Status& status);

}  // namespace wasm::ipc

#endif  // IPC_CHANNEL_H_
