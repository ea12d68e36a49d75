// libFuzzer target: whatever a hostile worker sends, the broker's
// WorkerConnection must answer with an error (or a result) and go on — never
// crash, hang, or leak descriptors. Built and run by `tools/fuzz.sh SECONDS
// ipc`.
//
// Input: a sequence of records, each [u16 little-endian length][bytes]; the
// fuzzer plays the worker, writes them as SOCK_SEQPACKET records (so they
// reach ipc/channel.h's parser as is: frame tag, Envelope bytes), closes its
// end, and lets the broker run a CallExport against them. Host function 1
// answers calls (and calls back into the "worker" once, to nest).
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "host/worker_connection.h"
#include "ipc/channel.h"

namespace {

using wasm::host::WorkerConnection;

void Run(const uint8_t* data, size_t size) {
  absl::StatusOr<std::pair<wasm::ipc::Channel, wasm::ipc::Channel>> pair =
      wasm::ipc::Channel::CreatePair();
  if (!pair.ok()) return;
  const int worker_fd = pair->second.fd();
  // The records, as the worker would send them (the socket buffer holds them).
  size_t at = 0;
  int records = 0;
  while (at + 2 <= size && records < 64) {
    const size_t len = data[at] | (size_t{data[at + 1]} << 8);
    at += 2;
    const size_t n = len <= size - at ? len : size - at;
    if (send(worker_fd, data + at, n, MSG_DONTWAIT) < 0) break;
    at += n;
    ++records;
  }
  // The broker's request goes nowhere useful; the worker end then closes.
  wasm::ipc::Channel worker_end = std::move(pair->second);
  shutdown(worker_end.fd(), SHUT_WR);
  WorkerConnection broker(std::move(pair->first),
                          WorkerConnection::ProcessControl{
                              .kill = [] { return absl::OkStatus(); },
                              .describe_exit = [] { return std::string("worker exited"); }},
                          WorkerConnection::Options{.deadline = absl::Milliseconds(200)});
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
