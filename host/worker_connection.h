// WorkerConnection: the broker's end of one worker process — requests out,
// the worker's requests (host-function imports) served, its replies checked.
//
// Calls are synchronous and nest: while CallExport waits, the worker may call
// a host function, which runs here (on the calling thread) and may itself call
// CallExport again; each level waits for its own reply. One thread at a time
// uses a connection.
//
// Everything the worker sends is untrusted (ipc/validate.h). A worker that
// sends a malformed message, answers a request that is not outstanding, calls
// a host function it was never given, or does not answer before the deadline
// is killed; so is one that dies by itself. The call in progress and every
// later one then fail with an Unavailable error that says why:
//
//   "worker killed by seccomp: syscall openat (257)"
//   "worker crashed: SIGSEGV"
//   "deadline exceeded after 2.0 s"
//   "worker sent a malformed message: not an Envelope"
//
// Results: a trap is the runtime's TrapError (instance_errors.h) with the
// worker's message ("integer divide by zero\n  at func 1 <div> +0x31"), a
// link error a LinkError, a compile error the runtime's compile error text.
//
//   WorkerConnection worker(std::move(channel), {.kill = ..., .describe_exit = ...});
//   worker.AddHostFunction(7, [](absl::Span<const uint64_t> args) -> absl::StatusOr<...> {...});
//   RETURN_IF_ERROR(worker.DefineHostFunction(/*object=*/1, /*handle=*/7, type));
//   RETURN_IF_ERROR(worker.LoadModule(/*module=*/1, bytes));  // or ..., ipc::LoadModule::BASELINE
//   RETURN_IF_ERROR(worker.Instantiate(/*instance=*/1, /*module=*/1, bindings));
//   ASSIGN_OR_RETURN(std::vector<uint64_t> r, worker.CallExport(1, "add", {1, 2}));
#ifndef HOST_WORKER_CONNECTION_H_
#define HOST_WORKER_CONNECTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ipc/channel.h"
#include "ipc/messages.pb.h"
#include "runtime/types.h"

namespace wasm::host {

class WorkerConnection {
 public:
  // How to stop and diagnose the worker's process (the zygote knows it).
  struct ProcessControl {
    absl::AnyInvocable<absl::Status()> kill;
    // After the channel closed: why the process ended ("worker crashed: SIGSEGV").
    absl::AnyInvocable<std::string()> describe_exit;
  };
  struct Options {
    // How long one request may go unanswered (nested host calls included)
    // before the worker is killed.
    absl::Duration deadline = absl::Seconds(60);
    // When not zero: the worker stops wasm code running longer than this
    // with the trap "interrupted" and stays alive (trap_handler.h). Set it
    // below `deadline`, which stays the backstop.
    absl::Duration interrupt_after = absl::ZeroDuration();
    // Small messages through shared-memory rings beside the socket
    // (ipc/ring.h): a round trip without syscalls while both sides spin.
    bool use_ring = true;
  };
  // A host function: arguments in, results out (as many as its type says),
  // or an error, which the calling wasm code sees as a trap.
  using HostCallback =
      absl::AnyInvocable<absl::StatusOr<std::vector<uint64_t>>(absl::Span<const uint64_t>)>;

  // The largest message accepted from a worker.
  static constexpr uint64_t kMaxWorkerPayloadBytes = 4 << 20;

  WorkerConnection(ipc::Channel channel, ProcessControl control, Options options);
  ~WorkerConnection();  // asks the worker to shut down, then kills it

  // The host function a DefineHostFunction handle stands for.
  void AddHostFunction(uint64_t handle, HostCallback callback);

  // Compiles `bytes` (already validated by the broker) in the worker with
  // the JIT tier `tier` (ipc/messages.proto: OPTIMIZING, or BASELINE, the
  // one-pass compiler: faster to compile, slower code).
  absl::Status LoadModule(uint32_t module_id, absl::Span<const uint8_t> bytes,
                          ipc::LoadModule::Tier tier = ipc::LoadModule::OPTIMIZING);
  absl::Status DefineHostFunction(uint32_t object_id, uint64_t handle, const FuncType& type);
  // `memfd`: a LinearMemory's fd (the worker maps it); stays owned by the caller.
  absl::Status DefineMemory(uint32_t object_id, const MemoryType& type, int memfd);
  // `memfd`: holds the GlobalCell at `offset` (a GlobalSegment's fd / offset).
  absl::Status DefineGlobal(uint32_t object_id, const GlobalType& type, int memfd,
                            uint64_t offset = 0);
  absl::Status DefineTable(uint32_t object_id, const TableType& type);
  absl::Status Instantiate(uint32_t instance_id, uint32_t module_id,
                           const std::vector<ipc::ImportBinding>& imports);
  absl::StatusOr<std::vector<uint64_t>> CallExport(uint32_t instance_id, const std::string& name,
                                                   absl::Span<const uint64_t> args);
  absl::StatusOr<uint64_t> GetGlobal(uint32_t instance_id, const std::string& name);
  absl::Status SetGlobal(uint32_t instance_id, const std::string& name, uint64_t value);
  // A table in the worker: an instance's export, or a DefineTable object.
  struct TableRef {
    uint32_t instance_id = 0;
    std::string export_name;
    uint32_t object_id = 0;  // when not 0, instead of the export
  };
  // Its size, an element (function references as handles for CallFuncRef,
  // 0 = null), writes, growth.
  absl::StatusOr<uint64_t> TableSize(const TableRef& table);
  absl::StatusOr<ipc::TableElement> TableGet(const TableRef& table, uint64_t index);
  absl::Status TableSet(const TableRef& table, uint64_t index, uint64_t value);
  absl::StatusOr<uint64_t> TableGrow(const TableRef& table, uint64_t delta, uint64_t init);
  absl::StatusOr<std::vector<uint64_t>> CallFuncRef(uint64_t handle,
                                                    absl::Span<const uint64_t> args);
  // An exported memory's type and memfd (map it with LinearMemory::MapExisting).
  absl::StatusOr<std::pair<MemoryType, UniqueFd>> ExportMemory(uint32_t instance_id,
                                                               const std::string& name);
  // An exported global's type, and the worker's cell arena and the cell's
  // offset in it (map with GlobalSegment::Map).
  struct ExportedGlobal {
    GlobalType type;
    UniqueFd fd;
    uint64_t offset;
  };
  absl::StatusOr<ExportedGlobal> ExportGlobal(uint32_t instance_id, const std::string& name);
  // Caps every linear memory of the worker (nullopt: no cap).
  absl::Status SetLimits(std::optional<uint64_t> max_memory_bytes);
  // The worker's peak RSS in KiB.
  absl::StatusOr<uint64_t> PeakRssKib();
  // What GetStats reports (ipc/messages.proto): the peak RSS, and over the
  // worker's modules, tiered compilation's progress and the functions the
  // baseline tier left to the optimising compiler.
  struct Stats {
    uint64_t peak_rss_kib = 0;
    uint64_t tier_ups_installed = 0;
    uint64_t tier_ups_compiling = 0;
    uint64_t baseline_fallbacks = 0;
  };
  absl::StatusOr<Stats> GetStats();
  // Sends a TestHook request (test builds of the worker act on it).
  absl::Status SendTestHook(ipc::TestHook::Action action);

  // OK while the worker is alive; afterwards the reason it is not.
  const absl::Status& health() const { return dead_; }
  int fd() const { return channel_.fd(); }

 private:
  // Sends `request` and serves the worker until its reply arrives.
  absl::StatusOr<ipc::Envelope> Call(ipc::Envelope request, absl::Span<const int> fds = {});
  // The same, for requests answered with Ok (or an error).
  absl::Status CallForStatus(ipc::Envelope request, absl::Span<const int> fds = {});
  // The same, for requests answered with Values (any number / exactly one).
  absl::StatusOr<std::vector<uint64_t>> CallForValues(ipc::Envelope request);
  absl::StatusOr<uint64_t> CallForValue(ipc::Envelope request);
  // The same, with the descriptors that came with the reply.
  absl::StatusOr<ipc::Channel::Message> CallWithFds(ipc::Envelope request,
                                                    absl::Span<const int> fds = {});
  absl::StatusOr<ipc::Envelope> Table(const TableRef& table, ipc::AccessTable::Op op,
                                      uint64_t index, uint64_t value, uint64_t delta);
  // Serves one request from the worker (a host-function call).
  absl::Status ServeImport(const ipc::Envelope& request);
  // Kills the worker and records why; returns that error.
  absl::Status Fail(std::string reason, bool describe_exit);
  // OK replies, errors to statuses.
  static absl::Status ReplyStatus(const ipc::Envelope& reply);

  ipc::Channel channel_;
  ProcessControl control_;
  Options options_;
  uint64_t next_id_ = 1;
  absl::flat_hash_map<uint64_t, HostCallback> host_functions_;
  absl::Status dead_;
};

}  // namespace wasm::host

#endif  // HOST_WORKER_CONNECTION_H_
