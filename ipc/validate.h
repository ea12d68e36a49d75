// What a broker accepts from a worker: every message a worker sends is
// untrusted input, checked here before anything reads it.
//
//   RETURN_IF_ERROR(ValidateFromWorker(message.envelope, message.fds.size()));
//
// The check is structural (which bodies a worker may send, ids, sizes, how
// many descriptors); whether a reply answers the request outstanding is the
// caller's check (it knows which one is). A failure is an InvalidArgument
// error naming the field ("worker message: call_import.args has 5000 values,
// the limit is 1000"); the broker then kills the worker.
#ifndef IPC_VALIDATE_H_
#define IPC_VALIDATE_H_

#include <cstddef>

#include "absl/status/status.h"
#include "ipc/messages.pb.h"

namespace wasm::ipc {

// Values in one call or reply: wasm allows at most 1000 params and results.
inline constexpr int kMaxValues = 1000;
// Bytes in a trap or error message from a worker (a deep backtrace fits).
inline constexpr size_t kMaxWorkerMessageBytes = 256 * 1024;

// `fd_count`: descriptors that came with the message; only a MemoryExport or
// GlobalExport reply may carry one (the exported memory's memfd, the global
// cell arena).
absl::Status ValidateFromWorker(const Envelope& envelope, size_t fd_count);

}  // namespace wasm::ipc

#endif  // IPC_VALIDATE_H_
