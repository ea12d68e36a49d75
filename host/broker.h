// Broker: the host process's handle on the sandbox — it starts the zygote
// once (sandbox/zygote.h) and hands out connections to fresh confined
// workers forked from it.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Broker> broker, Broker::Create({}));
//   ASSIGN_OR_RETURN(std::unique_ptr<WorkerConnection> worker, broker->SpawnWorker());
//   RETURN_IF_ERROR(worker->LoadModule(1, module->bytes));
//
// A worker that dies (crash, seccomp, deadline, malformed message) takes only
// its own connection down: the broker and the other workers go on. Workers
// die with the broker (the zygote is their parent and exits when the broker
// closes its control channel).
#ifndef HOST_BROKER_H_
#define HOST_BROKER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "host/worker_connection.h"
#include "sandbox/zygote.h"

namespace wasm::host {

struct BrokerOptions {
  // The worker executable; empty: ResolveWorkerPath's default.
  std::string worker_path;
  // Per-request deadline for each worker: past it the worker is killed.
  absl::Duration deadline = absl::Seconds(60);
  // When not zero: wasm calls running longer are interrupted (a trap, the
  // worker lives on); see WorkerConnection::Options.
  absl::Duration interrupt_after = absl::ZeroDuration();
  // RLIMIT_AS of each worker; unset: sandbox::ConfineOptions' default
  // (64 GiB: a handful of 8 GiB + 64 KiB memory reservations). A worker that
  // hosts a group of instances needs 8 GiB more per memory.
  std::optional<uint64_t> address_space_bytes;
  // Every linear memory of each worker at most this many bytes (memory.grow
  // past it returns -1; a larger initial size fails instantiation).
  std::optional<uint64_t> max_memory_bytes;
};

class Broker {
 public:
  static absl::StatusOr<std::unique_ptr<Broker>> Create(const BrokerOptions& options);

  // A new confined worker, forked from the zygote.
  absl::StatusOr<std::unique_ptr<WorkerConnection>> SpawnWorker();

  sandbox::Zygote& zygote() { return *zygote_; }

 private:
  Broker(BrokerOptions options, std::unique_ptr<sandbox::Zygote> zygote)
      : options_(std::move(options)), zygote_(std::move(zygote)) {}

  BrokerOptions options_;
  std::unique_ptr<sandbox::Zygote> zygote_;
};

// The worker executable's path: `path` when not empty, else the env var
// WASM_SANDBOX_WORKER, else sandbox/worker/worker in the runfiles or beside
// the running program (sandbox::FindWorkerBinary).
absl::StatusOr<std::string> ResolveWorkerPath(const std::string& path);

}  // namespace wasm::host

#endif  // HOST_BROKER_H_
