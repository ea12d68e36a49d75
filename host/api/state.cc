#include "host/api/state.h"

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "host/api/sandbox.h"

namespace wasm::api {
namespace {

ABSL_CONST_INIT absl::Mutex g_mutex(absl::kConstInit);
SandboxOptions* g_options ABSL_GUARDED_BY(g_mutex) = nullptr;
absl::StatusOr<std::unique_ptr<host::Broker>>* g_broker ABSL_GUARDED_BY(g_mutex) = nullptr;

}  // namespace

absl::Status ConfigureSandbox(const SandboxOptions& options) {
  absl::MutexLock lock(&g_mutex);
  if (g_broker != nullptr) {
    return absl::FailedPreconditionError("ConfigureSandbox: the sandbox has already started");
  }
  delete g_options;
  g_options = new SandboxOptions(options);
  return absl::OkStatus();
}

namespace internal {

absl::StatusOr<host::Broker*> DefaultBroker() {
  absl::MutexLock lock(&g_mutex);
  if (g_broker == nullptr) {
    const SandboxOptions options = g_options != nullptr ? *g_options : SandboxOptions();
    g_broker = new absl::StatusOr<std::unique_ptr<host::Broker>>(host::Broker::Create({
        .worker_path = options.worker_path,
        .deadline = options.call_deadline + absl::Seconds(2),
        .interrupt_after = options.call_deadline,
        .address_space_bytes = options.worker_address_space_bytes,
        .max_memory_bytes = options.max_memory_bytes,
    }));
  }
  if (!g_broker->ok()) return g_broker->status();
  return g_broker->value().get();
}

}  // namespace internal
}  // namespace wasm::api
