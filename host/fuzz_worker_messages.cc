// libFuzzer target: whatever a hostile worker sends, the broker's
// WorkerConnection must answer with an error (or a result) and go on — never
// crash, hang, or leak descriptors. Built and run by `tools/fuzz.sh SECONDS
// ipc`.
//
// Input: a mode byte, then (ring mode, odd) [u64 LE head][u16 LE n][n bytes]
// for the worker -> broker ring, then a sequence of records, each [u16
// little-endian length][bytes]. The fuzzer plays the worker: in ring mode it
// takes the broker's ring memfd, acknowledges it and writes the ring's bytes
// and head index as given (so they reach ipc/ring.h's checks as is); then it
// writes the records as SOCK_SEQPACKET records (so they reach
// ipc/channel.h's parser as is: frame tag, Envelope bytes), closes its end,
// and lets the broker run a CallExport against them. Host function 1 answers
// calls (and calls back into the "worker" once, to nest).
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "host/worker_connection.h"
#include "ipc/channel.h"
#include "ipc/ring.h"

namespace {

using wasm::host::WorkerConnection;

// Ring mode: takes the ring setup record the broker sent, acknowledges it,
// and writes into the worker -> broker direction what the input says.
// Returns the input bytes used.
size_t PlayRing(int worker_fd, const uint8_t* data, size_t size) {
  uint8_t tag = 0;
  iovec iov = {&tag, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  if (recvmsg(worker_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != 1 || tag != 3) return 0;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (c == nullptr || c->cmsg_type != SCM_RIGHTS) return 0;
  int memfd;
  std::memcpy(&memfd, CMSG_DATA(c), sizeof(int));
  using wasm::ipc::RingPair;
  void* p = mmap(nullptr, RingPair::kMappedBytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
  close(memfd);
  if (p == MAP_FAILED) return 0;
  const uint8_t ack = 4;
  (void)send(worker_fd, &ack, 1, MSG_DONTWAIT);
  size_t used = 0;
  uint64_t head = 0;
  if (size >= 8) {
    std::memcpy(&head, data, 8);
    used = 8;
  }
  size_t n = 0;
  if (size >= used + 2) {
    n = data[used] | (size_t{data[used + 1]} << 8);
    used += 2;
    n = std::min({n, size - used, size_t{RingPair::kCapacity}});
  }
  uint8_t* base = static_cast<uint8_t*>(p);
  std::memcpy(base + 4096 + RingPair::kCapacity, data + used, n);  // direction B's bytes
  used += n;
  std::memcpy(base + 256, &head, 8);                               // direction B's head
  munmap(p, RingPair::kMappedBytes);
  return used;
}

void Run(const uint8_t* data, size_t size) {
  if (size == 0) return;
  const bool ring = (data[0] & 1) != 0;
  ++data;
  --size;
  absl::StatusOr<std::pair<wasm::ipc::Channel, wasm::ipc::Channel>> pair =
      wasm::ipc::Channel::CreatePair();
  if (!pair.ok()) return;
  const int worker_fd = pair->second.fd();
  wasm::ipc::Channel worker_end = std::move(pair->second);
  WorkerConnection broker(std::move(pair->first),
                          WorkerConnection::ProcessControl{
                              .kill = [] { return absl::OkStatus(); },
                              .describe_exit = [] { return std::string("worker exited"); }},
                          WorkerConnection::Options{.deadline = absl::Milliseconds(200),
                                                    .use_ring = ring});
  size_t at = ring ? PlayRing(worker_fd, data, size) : 0;
  // The records, as the worker would send them (the socket buffer holds them).
  int records = 0;
  while (at + 2 <= size && records < 64) {
    const size_t len = data[at] | (size_t{data[at + 1]} << 8);
    at += 2;
    const size_t n = len <= size - at ? len : size - at;
    if (send(worker_fd, data + at, n, MSG_DONTWAIT) < 0) break;
    at += n;
    ++records;
  }
  // The broker's requests go nowhere useful; the worker end then closes.
  shutdown(worker_end.fd(), SHUT_WR);
  int nested = 0;
  WorkerConnection* raw = &broker;
  broker.AddHostFunction(1, [&](absl::Span<const uint64_t> args)
                                -> absl::StatusOr<std::vector<uint64_t>> {
    if (nested++ == 0) (void)raw->CallExport(1, "again", args);
    return std::vector<uint64_t>(args.begin(), args.end());
  });
  (void)broker.CallExport(1, "f", {1, 2});
  (void)broker.GetGlobal(1, "g");
  (void)broker.TableGet({.instance_id = 1, .export_name = "t"}, 0);
  (void)broker.ExportMemory(1, "m");
  (void)broker.ExportGlobal(1, "g");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Run(data, size);
  return 0;
}
