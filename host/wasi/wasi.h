// Wasi: WASI preview1 (`wasi_snapshot_preview1`) served by the broker. The
// worker only sees its channel: every WASI call is a host-function import
// that runs here, reading and writing the instance's exported memory through
// the broker's own mapping of it.
//
//   Wasi wasi({.args = {"hello.wasm", "a"}, .env = {{"K", "V"}}});
//   api::ImportObject imports;
//   wasi.Define(module, &imports);            // every import the module asks of WASI
//   ASSIGN_OR_RETURN(api::Instance instance, api::Instance::Instantiate(module, imports));
//   RETURN_IF_ERROR(wasi.Attach(instance));    // its "memory" export
//   absl::Status run = (*instance.GetFunction("_start"))({}).status();
//   if (wasi.exit_code().has_value()) ...      // proc_exit was called
//
// Implemented: args_*, environ_*, clock_res_get / clock_time_get,
// random_get, fd_read / fd_write / fd_seek / fd_tell / fd_close /
// fd_fdstat_get / fd_filestat_get / fd_prestat_get / fd_prestat_dir_name on
// the standard streams, proc_exit, sched_yield, poll_oneoff (clock
// subscriptions). Every other preview1 function the module imports is
// defined with the module's own signature and returns ENOSYS (52) — never a
// link error, never a crash. Pointers from wasm are bounds-checked: a bad one
// is EFAULT (21).
#ifndef HOST_WASI_WASI_H_
#define HOST_WASI_WASI_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "host/api/imports.h"
#include "host/api/instance.h"
#include "host/api/module.h"

namespace wasm::wasi {

inline constexpr char kModuleName[] = "wasi_snapshot_preview1";

struct Preopen {
  std::string host_path;
  std::string guest_path;
};

struct WasiOptions {
  std::vector<std::string> args;
  // Directories the program may use (--dir HOST::GUEST), descriptors 3, 4, ...
  std::vector<Preopen> preopens;
  std::vector<std::pair<std::string, std::string>> env;
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
};

class Wasi {
 public:
  // Open the preopened directories with Create (the error names a missing one).
  static absl::StatusOr<std::unique_ptr<Wasi>> Create(WasiOptions options);
  ~Wasi();

  // Defines, in `imports`, every function `module` imports from
  // wasi_snapshot_preview1.
  void Define(const api::Module& module, api::ImportObject* imports);
  // The instance whose memory the calls read and write (its export "memory").
  absl::Status Attach(const api::Instance& instance);
  // Set once the program called proc_exit.
  std::optional<uint32_t> exit_code() const;

  struct State;

 private:
  explicit Wasi(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace wasm::wasi

#endif  // HOST_WASI_WASI_H_
