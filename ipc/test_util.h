// Test-only: writes raw records on a Channel's socket, as a hostile or
// hand-written peer would (bytes as they are, descriptors by SCM_RIGHTS).
#ifndef IPC_TEST_UTIL_H_
#define IPC_TEST_UTIL_H_

#include <sys/socket.h>

#include <cstring>
#include <string>

#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "ipc/channel.h"

namespace wasm::ipc {

inline void SendRaw(const Channel& channel, const std::string& bytes,
                    absl::Span<const int> fds = {}) {
  iovec iov = {const_cast<char*>(bytes.data()), bytes.size()};
  msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 16)];
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ASSERT_EQ(sendmsg(channel.fd(), &msg, 0), static_cast<ssize_t>(bytes.size()));
}

}  // namespace wasm::ipc

#endif  // IPC_TEST_UTIL_H_
