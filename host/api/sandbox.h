// The sandbox behind every Instance: one broker per process, started on the
// first Instantiate. ConfigureSandbox sets its options before that.
//
//   RETURN_IF_ERROR(ConfigureSandbox({.call_deadline = absl::Seconds(2)}));
//
// A wasm call running longer than call_deadline is interrupted: a
// RuntimeError "interrupted" with its backtrace, and the instance stays
// usable. A worker that still does not answer 2 s later (stuck outside wasm
// code) is killed: "deadline exceeded after ...".
#ifndef HOST_API_SANDBOX_H_
#define HOST_API_SANDBOX_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace wasm::api {

struct SandboxOptions {
  absl::Duration call_deadline = absl::Seconds(60);
  // The worker executable; empty: host::ResolveWorkerPath's default.
  std::string worker_path;
  // Each worker's RLIMIT_AS; unset: the sandbox's default.
  std::optional<uint64_t> worker_address_space_bytes;
  // Every linear memory of an instance at most this many bytes.
  std::optional<uint64_t> max_memory_bytes;
};

// FailedPrecondition once the sandbox has started.
absl::Status ConfigureSandbox(const SandboxOptions& options);

}  // namespace wasm::api

#endif  // HOST_API_SANDBOX_H_
