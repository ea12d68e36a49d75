// Internal: what the API objects share behind their handles. Not part of the
// embedding API (hosts include the per-concept headers).
#ifndef HOST_API_STATE_H_
#define HOST_API_STATE_H_

#include <any>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "host/broker.h"
#include "host/worker_connection.h"
#include "runtime/module.h"

namespace wasm::api::internal {

// One instance: its worker (one worker per instance), its id there, its
// module, and what it imported (kept alive as long as it).
struct InstanceState {
  std::shared_ptr<host::WorkerConnection> worker;
  uint32_t id = 0;
  std::shared_ptr<const wasm::Module> module;
  std::vector<std::any> keep_alive;
};

// The process's broker, started on first use (the worker executable is
// found as host::ResolveWorkerPath says).
absl::StatusOr<host::Broker*> DefaultBroker();

}  // namespace wasm::api::internal

#endif  // HOST_API_STATE_H_
