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

absl::Status Channel::Send(const Envelope& envelope, absl::Span<const int> fds,
                           absl::Duration timeout) const {
  if (!fd_.valid()) return absl::FailedPreconditionError("channel is closed");
  if (fds.size() > kMaxFds) return absl::InvalidArgumentError("too many descriptors for one message");
  const size_t size = envelope.ByteSizeLong();
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
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && spin_ > absl::ZeroDuration()) {
    const absl::Time spin_until = absl::Now() + std::min(spin_, timeout);
    do {
      __builtin_ia32_pause();
      got = receive(MSG_DONTWAIT);
    } while (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && absl::Now() < spin_until);
  }
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    if (timeout != absl::InfiniteDuration()) {
      const absl::Time deadline = absl::Now() + timeout;
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
  Message out;
  const uint8_t tag = static_cast<uint8_t>(buffer[0]);
  if (tag == kTagInline) {
    if (fds.size() > kMaxFds) return Malformed("too many descriptors");
    if (!out.envelope.ParseFromArray(buffer.data() + 1, static_cast<int>(got - 1))) {
      return Malformed("not an Envelope");
    }
    out.fds = std::move(fds);
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
  if (!out.envelope.ParseFromString(bytes)) return Malformed("not an Envelope");
  for (size_t i = 1; i < fds.size(); ++i) out.fds.push_back(std::move(fds[i]));
  return out;
}

bool IsMalformed(const absl::Status& status) {
  return absl::IsDataLoss(status) && absl::StartsWith(status.message(), kMalformedPrefix);
}

}  // namespace wasm::ipc
