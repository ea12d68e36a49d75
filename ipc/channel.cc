#include "ipc/channel.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wasm::ipc {
namespace {

constexpr uint8_t kTagInline = 0;
constexpr uint8_t kTagMemfd = 1;
constexpr uint8_t kTagDoorbell = 2;   // "look at the ring" (the receiver was asleep)
constexpr uint8_t kTagRingSetup = 3;  // the ring's memfd (creator -> attacher)
constexpr uint8_t kTagRingAck = 4;    // "my messages now come through the ring too"
constexpr char kMalformedPrefix[] = "malformed message from peer: ";

absl::Status Malformed(absl::string_view what) {
  return absl::DataLossError(absl::StrCat(kMalformedPrefix, what));
}

absl::Status PeerClosed() { return absl::UnavailableError("peer closed the channel"); }

absl::Status SendRecord(int fd, const void* data, size_t size, absl::Span<const int> fds,
                        absl::Duration timeout) {
  iovec iov = {const_cast<void*>(data), size};
  msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * (Channel::kMaxFds + 1))];
  if (!fds.empty()) {
    const size_t bytes = sizeof(int) * fds.size();
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(bytes);
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(bytes);
    std::memcpy(CMSG_DATA(cmsg), fds.data(), bytes);
  }
  // Never blocks past `timeout`: a peer that stops reading cannot hold the
  // sender forever.
  const absl::Time deadline = timeout == absl::InfiniteDuration()
                                  ? absl::InfiniteFuture()
                                  : absl::Now() + timeout;
  while (true) {
    const ssize_t sent = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent >= 0) return absl::OkStatus();
    if (errno == EINTR) continue;
    if (errno == EPIPE || errno == ECONNRESET) return PeerClosed();
    if (errno != EAGAIN && errno != EWOULDBLOCK) return absl::ErrnoToStatus(errno, "sendmsg");
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError("the peer did not take the message before the deadline");
    }
    pollfd p = {fd, POLLOUT, 0};
    const int64_t ms = left == absl::InfiniteDuration()
                           ? -1
                           : std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1 << 30);
    if (poll(&p, 1, static_cast<int>(ms)) < 0 && errno != EINTR) {
      return absl::ErrnoToStatus(errno, "poll");
    }
  }
}

}  // namespace

absl::StatusOr<std::pair<Channel, Channel>> Channel::CreatePair() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
    return absl::ErrnoToStatus(errno, "socketpair");
  }
  return std::make_pair(Channel(UniqueFd(fds[0])), Channel(UniqueFd(fds[1])));
}

absl::Status Channel::EnableRing() {
  if (!fd_.valid()) return absl::FailedPreconditionError("channel is closed");
  if (ring_ != nullptr) return absl::FailedPreconditionError("the ring is already set up");
  UniqueFd memfd;
  absl::StatusOr<std::unique_ptr<RingPair>> ring = RingPair::Create(&memfd);
  if (!ring.ok()) return ring.status();
  const uint8_t tag = kTagRingSetup;
  const int fds[] = {memfd.get()};
  if (absl::Status s = SendRecord(fd_.get(), &tag, 1, fds, absl::Seconds(5)); !s.ok()) return s;
  ring_ = *std::move(ring);
  ring_creator_ = true;
  send_ring_ = true;  // the peer reads the setup record before anything we send after it
  return absl::OkStatus();
}

absl::Status Channel::WriteToRing(const void* data, uint32_t size, absl::Time deadline) const {
  for (int spins = 0;; ++spins) {
    switch (ring_->TryWrite(data, size)) {
      case RingPair::Write::kOk: {
        if (!ring_->TakeWaiting()) return absl::OkStatus();
        const uint8_t tag = kTagDoorbell;  // the peer sleeps on the socket: wake it
        const absl::Duration left = deadline == absl::InfiniteFuture()
                                        ? absl::InfiniteDuration()
                                        : std::max(deadline - absl::Now(), absl::ZeroDuration());
        return SendRecord(fd_.get(), &tag, 1, {}, left);
      }
      case RingPair::Write::kCorrupt:
        return absl::DataLossError("malformed message from peer: it corrupted the ring's indices");
      case RingPair::Write::kFull:
        break;
    }
    // The peer has not read what is there yet: wait for it, not past the deadline.
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError("the peer did not take the message before the deadline");
    }
    if (spins < 1000) {
      __builtin_ia32_pause();
    } else {
      usleep(50);
    }
  }
}

absl::Status Channel::Send(const Envelope& envelope, absl::Span<const int> fds,
                           absl::Duration timeout) const {
  if (!fd_.valid()) return absl::FailedPreconditionError("channel is closed");
  if (fds.size() > kMaxFds) return absl::InvalidArgumentError("too many descriptors for one message");
  const size_t size = envelope.ByteSizeLong();
  const absl::Time deadline =
      timeout == absl::InfiniteDuration() ? absl::InfiniteFuture() : absl::Now() + timeout;
  if (send_ring_) {
    if (fds.empty() && size <= RingPair::kMaxRecord) {
      static thread_local std::string bytes;
      bytes.resize(size);
      if (!envelope.SerializeToArray(bytes.data(), static_cast<int>(size))) {
        return absl::InternalError("cannot serialize the message");
      }
      return WriteToRing(bytes.data(), static_cast<uint32_t>(size), deadline);
    }
    // Keeps the order: the receiver reads the marker, then this record.
    if (absl::Status s = WriteToRing(nullptr, RingPair::kMarker, deadline); !s.ok()) return s;
  }
  if (size <= kMaxInlineBytes) {
    std::string record(1 + size, '\0');
    record[0] = static_cast<char>(kTagInline);
    if (!envelope.SerializeToArray(record.data() + 1, static_cast<int>(size))) {
      return absl::InternalError("cannot serialize the message");
    }
    return SendRecord(fd_.get(), record.data(), record.size(), fds, timeout);
  }
  if (size > kMaxPayloadBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("message of ", size, " bytes exceeds the limit of ", kMaxPayloadBytes));
  }
  // Large: the serialized bytes go into a memfd sent as the first descriptor.
  UniqueFd memfd(memfd_create("wasm-ipc-payload", MFD_CLOEXEC));
  if (!memfd.valid()) return absl::ErrnoToStatus(errno, "memfd_create");
  std::string bytes;
  if (!envelope.SerializeToString(&bytes)) return absl::InternalError("cannot serialize the message");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = pwrite(memfd.get(), bytes.data() + done, bytes.size() - done, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::ErrnoToStatus(errno, "writing the message payload");
    done += static_cast<size_t>(n);
  }
  uint8_t record[9];
  record[0] = kTagMemfd;
  for (int i = 0; i < 8; ++i) record[1 + i] = static_cast<uint8_t>(uint64_t{size} >> (8 * i));
  std::vector<int> all = {memfd.get()};
  all.insert(all.end(), fds.begin(), fds.end());
  return SendRecord(fd_.get(), record, sizeof(record), all, timeout);
}

absl::StatusOr<Channel::Message> Channel::Receive(absl::Duration timeout) const {
  if (!fd_.valid()) return absl::FailedPreconditionError("channel is closed");
  const absl::Time deadline =
      timeout == absl::InfiniteDuration() ? absl::InfiniteFuture() : absl::Now() + timeout;
  static thread_local std::string bytes;
  while (true) {
    if (pending_socket_ || !recv_ring_) {
      // Spin on the socket only while the ring is not in use.
      absl::StatusOr<SocketRecord> r = ReceiveSocket(deadline, /*spin=*/!recv_ring_);
      if (!r.ok()) return r.status();
      switch (r->tag) {
        case kTagInline:
        case kTagMemfd:
          if (recv_ring_ && !pending_socket_) {
            return Malformed("a message on the socket without its ring marker");
          }
          pending_socket_ = false;
          return std::move(r->message);
        case kTagDoorbell:
          if (ring_ == nullptr) return Malformed("a doorbell without a ring");
          continue;  // stale or current: either way, look at the ring
        case kTagRingSetup: {
          if (ring_ != nullptr || ring_creator_) return Malformed("a second ring");
          if (r->message.fds.size() != 1) return Malformed("a ring setup without its memfd");
          absl::StatusOr<std::unique_ptr<RingPair>> ring =
              RingPair::Attach(r->message.fds[0].get());
          if (!ring.ok()) return Malformed(ring.status().message());
          ring_ = *std::move(ring);
          recv_ring_ = true;  // the creator's messages after the setup come through it
          const uint8_t tag = kTagRingAck;
          if (absl::Status s = SendRecord(fd_.get(), &tag, 1, {}, absl::Seconds(5)); !s.ok()) {
            return s;
          }
          send_ring_ = true;
          continue;
        }
        case kTagRingAck:
          if (!ring_creator_ || recv_ring_) return Malformed("an unexpected ring acknowledgement");
          recv_ring_ = true;
          continue;
      }
      return Malformed(absl::StrCat("unknown frame tag ", r->tag));
    }
    // The ring: spin on it (memory reads only), then sleep on the socket.
    std::string error;
    const absl::Time spin_until = absl::Now() + std::min(spin_, deadline - absl::Now());
    for (int polls = 0;; ++polls) {
      switch (ring_->TryRead(&bytes, max_receive_payload_, &error)) {
        case RingPair::Read::kRecord: {
          Message out;
          if (!out.envelope.ParseFromString(bytes)) return Malformed("not an Envelope");
          return out;
        }
        case RingPair::Read::kMarker:
          pending_socket_ = true;
          break;
        case RingPair::Read::kCorrupt:
          return Malformed(error);
        case RingPair::Read::kEmpty:
          if ((polls & 63) != 0 || absl::Now() < spin_until) {
            __builtin_ia32_pause();
            continue;
          }
          break;
      }
      break;
    }
    if (pending_socket_) continue;
    ring_->SetWaiting(true);
    if (ring_->HasData()) {
      ring_->SetWaiting(false);
      continue;
    }
    // Asleep on the socket until a doorbell (or EOF, or the deadline).
    absl::StatusOr<SocketRecord> r = ReceiveSocket(deadline, /*spin=*/false);
    ring_->SetWaiting(false);
    if (!r.ok()) return r.status();
    if (r->tag != kTagDoorbell) return Malformed("a message on the socket without its ring marker");
  }
}

absl::StatusOr<Channel::SocketRecord> Channel::ReceiveSocket(absl::Time deadline,
                                                             bool spin) const {
  // One byte more than the largest legitimate record, to see truncation.
  static thread_local std::string buffer;
  buffer.resize(1 + kMaxInlineBytes + 1);
  iovec iov = {buffer.data(), buffer.size()};
  msghdr msg = {};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * (kMaxFds + 1)) + 64];
  auto receive = [&](int flags) {
    msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    while (true) {
      const ssize_t n = recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC | flags);
      if (n >= 0 || errno != EINTR) return n;
    }
  };
  // First spin briefly without sleeping: a reply usually comes within
  // microseconds, and a blocked thread costs a wake-up on each side.
  ssize_t got = receive(MSG_DONTWAIT);
  const bool would_block = got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  if (would_block && spin && spin_ > absl::ZeroDuration()) {
    const absl::Time spin_until = std::min(absl::Now() + spin_, deadline);
    do {
      __builtin_ia32_pause();
      got = receive(MSG_DONTWAIT);
    } while (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && absl::Now() < spin_until);
  }
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    if (deadline != absl::InfiniteFuture()) {
      while (true) {
        const int64_t ms =
            std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now()));
        pollfd p = {fd_.get(), POLLIN, 0};
        const int ready = poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 1 << 30)));
        if (ready > 0) break;
        if (ready < 0 && errno != EINTR) return absl::ErrnoToStatus(errno, "poll");
        if (ready == 0 && absl::Now() >= deadline) {
          return absl::DeadlineExceededError("no message before the deadline");
        }
      }
    }
    got = receive(0);
  }
  if (got < 0) {
    if (errno == ECONNRESET) return PeerClosed();
    return absl::ErrnoToStatus(errno, "recvmsg");
  }
  // Take ownership of every descriptor first, so an error path closes them.
  std::vector<UniqueFd> fds;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      fds.emplace_back(fd);
    }
  }
  if (got == 0 && fds.empty()) return PeerClosed();
  if (got == 0) return Malformed("empty record with descriptors");
  if ((msg.msg_flags & MSG_CTRUNC) != 0) return Malformed("too many descriptors");
  if ((msg.msg_flags & MSG_TRUNC) != 0 || static_cast<size_t>(got) > 1 + kMaxInlineBytes) {
    return Malformed("record larger than the inline limit");
  }
  SocketRecord out;
  const uint8_t tag = static_cast<uint8_t>(buffer[0]);
  out.tag = tag;
  if (tag == kTagInline) {
    if (fds.size() > kMaxFds) return Malformed("too many descriptors");
    if (!out.message.envelope.ParseFromArray(buffer.data() + 1, static_cast<int>(got - 1))) {
      return Malformed("not an Envelope");
    }
    out.message.fds = std::move(fds);
    return out;
  }
  if (tag == kTagDoorbell || tag == kTagRingAck || tag == kTagRingSetup) {
    if (got != 1) return Malformed("a control record of the wrong size");
    if (fds.size() != (tag == kTagRingSetup ? 1u : 0u)) {
      return Malformed("a control record with the wrong descriptors");
    }
    out.message.fds = std::move(fds);
    return out;
  }
  if (tag != kTagMemfd) return Malformed(absl::StrCat("unknown frame tag ", tag));
  if (got != 9) return Malformed("payload header of the wrong size");
  if (fds.empty() || fds.size() > kMaxFds + 1) return Malformed("payload without its memfd");
  uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size |= uint64_t{static_cast<uint8_t>(buffer[1 + i])} << (8 * i);
  if (size > max_receive_payload_) {
    return Malformed(
        absl::StrCat("payload of ", size, " bytes (the limit is ", max_receive_payload_, ")"));
  }
  struct stat st;
  if (fstat(fds[0].get(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) < size) {
    return Malformed("payload memfd shorter than announced");
  }
  std::string bytes(size, '\0');
  size_t done = 0;
  while (done < size) {
    const ssize_t n = pread(fds[0].get(), bytes.data() + done, size - done, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Malformed("payload memfd shorter than announced");
    done += static_cast<size_t>(n);
  }
  if (!out.message.envelope.ParseFromString(bytes)) return Malformed("not an Envelope");
  for (size_t i = 1; i < fds.size(); ++i) out.message.fds.push_back(std::move(fds[i]));
  return out;
}

bool IsMalformed(const absl::Status& status) {
  return absl::IsDataLoss(status) && absl::StartsWith(status.message(), kMalformedPrefix);
}

}  // namespace wasm::ipc
