#include "host/broker.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"

namespace wasm::host {

absl::StatusOr<std::string> ResolveWorkerPath(const std::string& path) {
  if (!path.empty()) return path;
  if (const char* env = std::getenv("WASM_SANDBOX_WORKER"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  return sandbox::FindWorkerBinary("sandbox/worker/worker");
}

absl::StatusOr<std::unique_ptr<Broker>> Broker::Create(const BrokerOptions& options) {
  absl::StatusOr<std::string> path = ResolveWorkerPath(options.worker_path);
  if (!path.ok()) return path.status();
  sandbox::ZygoteOptions zygote_options;
  zygote_options.worker_path = *path;
  zygote_options.address_space_bytes = options.address_space_bytes;
  absl::StatusOr<std::unique_ptr<sandbox::Zygote>> zygote = sandbox::Zygote::Start(zygote_options);
  if (!zygote.ok()) return zygote.status();
  return std::unique_ptr<Broker>(new Broker(options, *std::move(zygote)));
}

absl::StatusOr<std::unique_ptr<WorkerConnection>> Broker::SpawnWorker() {
  absl::StatusOr<sandbox::SpawnedWorker> spawned = zygote_->Spawn();
  if (!spawned.ok()) return spawned.status();
  sandbox::Zygote* zygote = zygote_.get();
  const int pid = spawned->pid;
  auto exited = std::make_shared<bool>(false);
  WorkerConnection::ProcessControl control{
      .kill = [zygote, pid, exited]() -> absl::Status {
        if (*exited) return absl::OkStatus();
        return zygote->Kill(pid);
      },
      .describe_exit = [zygote, pid, exited]() -> std::string {
        if (*exited) return "worker exited";
        absl::StatusOr<sandbox::WorkerExit> exit = zygote->Wait(pid);
        *exited = true;
        if (!exit.ok()) return absl::StrCat("worker lost: ", exit.status().message());
        return exit->Describe();
      }};
  auto worker = std::make_unique<WorkerConnection>(
      ipc::Channel(std::move(spawned->channel)), std::move(control),
      WorkerConnection::Options{.deadline = options_.deadline,
                                .interrupt_after = options_.interrupt_after});
  if (options_.max_memory_bytes.has_value()) {
    if (absl::Status s = worker->SetLimits(options_.max_memory_bytes); !s.ok()) return s;
  }
  return worker;
}

}  // namespace wasm::host
