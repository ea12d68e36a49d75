// WorkerService: the worker's side of the channel. It compiles the modules
// the broker sends, instantiates them (a worker may hold a group of instances
// that import from each other), runs exports, and turns calls of host-function
// imports into CallImport requests to the broker.
//
// It runs in the confined worker process (sandbox/zygote.h forks it and
// confines it first), single-threaded: Run() serves requests until Shutdown
// or until the broker closes the channel. While a host-function import waits
// for the broker's reply it serves the broker's nested requests (an export
// called by the host function), so calls nest to any depth on one channel:
//
//   broker                      worker
//   CallExport(f) ───────────►  f runs, calls import g
//                 ◄───────────  CallImport(g)
//   g runs, calls export h
//   CallExport(h) ───────────►  h runs (nested, same stack)
//                 ◄───────────  Values(h)
//   Values(g)     ───────────►  f continues
//                 ◄───────────  Values(f)
//
// The broker is trusted (it validated the modules); the worker still answers
// every bad request with an Error reply rather than crashing.
//
//   int main() { ...; return wasm::sandbox::RunWorker(channel_fd); }
#ifndef SANDBOX_WORKER_WORKER_SERVICE_H_
#define SANDBOX_WORKER_WORKER_SERVICE_H_

namespace wasm {
class ThreadPool;
}  // namespace wasm

namespace wasm::sandbox {

// Serves the broker on `channel_fd` (taken over) until Shutdown or EOF.
// Returns the process exit code: 0 after Shutdown or EOF, 1 when the channel
// failed or the broker broke the protocol. Modules are compiled on
// `compile_pool` (and the calling thread) when given, else on the calling
// thread alone.
int RunWorker(int channel_fd, ThreadPool* compile_pool = nullptr);

}  // namespace wasm::sandbox

#endif  // SANDBOX_WORKER_WORKER_SERVICE_H_
