// The zygote: a pre-initialised fork server for sandboxed workers, and the
// broker's handle on it.
//
//   broker                         zygote (worker_path --zygote ...)
//   Zygote::Start ── fork+exec ──▶ unshare user, net, ipc, pid namespaces
//                                  fork ──▶ fork server = PID 1 of the new
//                                           pid namespace (RunZygote's loop)
//   Spawn() ── socketpair; one end ──(control socket, SCM_RIGHTS)──▶ fork
//                                           └▶ worker: ConfineWorker, main()
//   Kill(pid) / Wait(pid) ──────────────────▶ kill / waitpid + report pipe
//   ~Zygote: close control ─────────────────▶ EOF: SIGKILL workers, exit
//
// The worker executable's main() hands itself over when started as a zygote:
//
//   int WorkerMain(int channel_fd);  // runs confined; returns the exit code
//   int main(int argc, char** argv) {
//     std::optional<int> code = wasm::sandbox::MaybeRunZygote(
//         argc, argv, &WorkerMain, wasm::sandbox::ConfineOptions{});
//     if (code) return *code;
//     ...  // not started as a zygote
//   }
//
// and the broker:
//
//   ASSIGN_OR_RETURN(std::string path, FindWorkerBinary("sandbox/worker"));
//   ASSIGN_OR_RETURN(std::unique_ptr<Zygote> zygote, Zygote::Start({path}));
//   ASSIGN_OR_RETURN(SpawnedWorker worker, zygote->Spawn());
//   ... talk on worker.channel until EOF ...
//   ASSIGN_OR_RETURN(WorkerExit exit, zygote->Wait(worker.pid));
//   exit.Describe()  // "worker killed by seccomp: syscall openat (257)"
//
// Namespaces: the zygote unshares a user namespace (mapping root inside to
// the broker's uid), then net, ipc and pid namespaces; each one the kernel
// refuses is logged to stderr as a warning naming it, and the zygote goes on
// without it (Zygote::namespaces() says what was obtained). A worker's pid is
// as the fork server sees it (small, inside the pid namespace);
// SpawnedWorker::host_pid is the same process in the broker's pid namespace
// (the kernel translates it via SCM_CREDENTIALS), for /proc/<pid>/... .
//
// Lifetime: the zygote has PR_SET_PDEATHSIG SIGKILL towards the broker
// THREAD that called Start (a kernel rule: if that thread exits, the zygote
// and all workers die); the fork server is PID 1 of its namespace, and when
// it dies the kernel kills every worker in it.
//
// Invariant: one request, one reply on the control socket, under mu_.
// Invariant: the broker never blocks on a worker: Wait() is answered within
//   kWaitGrace even if the worker is still alive (it is SIGKILLed then).
#ifndef SANDBOX_ZYGOTE_H_
#define SANDBOX_ZYGOTE_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "runtime/vm/unique_fd.h"
#include "sandbox/confine.h"

namespace wasm::sandbox {

// ---- Zygote side (in the worker executable) --------------------------------

// Runs in the forked worker after ConfineWorker; its return value is the
// worker's exit code.
using WorkerMain = int (*)(int channel_fd);

// Namespaces, as bits of Zygote::namespaces().
enum NamespaceBits : uint32_t {
  kUserNamespace = 1,
  kPidNamespace = 2,
  kNetNamespace = 4,
  kIpcNamespace = 8,
};
// "user, pid, net, ipc" (or "none").
std::string NamespaceNames(uint32_t namespaces);

// The zygote's command line: --zygote --control-fd=N [--no-namespaces]
// [--worker-address-space-bytes=N] [--worker-cpu-seconds=N].
struct ZygoteArgs {
  int control_fd = -1;
  bool namespaces = true;
  std::optional<uint64_t> address_space_bytes;
  std::optional<uint64_t> cpu_seconds;
};
// nullopt when argv has no --zygote; an error when it does but the rest is
// malformed.
absl::StatusOr<std::optional<ZygoteArgs>> ParseZygoteArgs(int argc,
                                                         char** argv);

// The zygote server: enters the namespaces (unless args.namespaces is
// false), becomes the fork server (PID 1 of the new pid namespace, via one
// more fork) and serves spawn / kill / wait requests on args.control_fd,
// forking workers that run ConfineWorker(defaults + the args' overrides)
// then `main`. Returns (an exit code) when the broker closes the control
// socket, after SIGKILLing and reaping the remaining workers.
//
// `prepare`, when given, runs once in the zygote after it has reset its
// signal dispositions and descriptors and before it serves: what it sets up
// (e.g. the JIT's trap handlers, by running a first call) every worker
// inherits instead of redoing it confined.
using ZygotePrepare = void (*)();
int RunZygote(const ZygoteArgs& args, WorkerMain main,
              const ConfineOptions& defaults, ZygotePrepare prepare = nullptr);
// The same with all namespaces and no overrides.
int RunZygote(int control_fd, WorkerMain main, const ConfineOptions& defaults);

// For the worker executable's main(): nullopt when not started with
// --zygote; otherwise runs the zygote and returns its exit code (2 after a
// message on stderr when the arguments are malformed).
std::optional<int> MaybeRunZygote(int argc, char** argv, WorkerMain main,
                                  const ConfineOptions& defaults,
                                  ZygotePrepare prepare = nullptr);

// ---- Broker side ------------------------------------------------------------

struct ZygoteOptions {
  std::string worker_path;         // the worker executable
  std::vector<std::string> args;   // extra arguments, before the zygote's
  bool namespaces = true;          // false: --no-namespaces
  // Overrides of the worker executable's ConfineOptions defaults.
  std::optional<uint64_t> address_space_bytes;
  std::optional<uint64_t> cpu_seconds;
};

struct SpawnedWorker {
  int pid = -1;       // as the zygote sees it: the handle for Kill / Wait
  UniqueFd channel;   // the broker's end of a SOCK_SEQPACKET socketpair
  int host_pid = -1;  // the same process in the broker's pid namespace
};

struct WorkerExit {
  enum Kind {
    kExited,       // code
    kSignaled,     // signal (SIGKILL: Kill(), RLIMIT_CPU's hard limit, ...)
    kSeccomp,      // syscall (-1: unknown, SIGSYS with the default action)
    kSetupFailed,  // ConfineWorker failed; message
  };
  Kind kind = kExited;
  int code = 0;
  int signal = 0;
  int syscall = -1;
  std::string message;
  // "worker exited with code 3", "worker crashed: SIGSEGV",
  // "worker killed by seccomp: syscall openat (257)",
  // "worker killed: SIGKILL (deadline or limit)",
  // "worker killed: SIGXCPU (CPU time limit)",
  // "worker setup failed: ...".
  std::string Describe() const;
};

// Thread-safe.
class Zygote {
 public:
  // How long Wait() lets a worker finish dying before it SIGKILLs it.
  static constexpr absl::Duration kWaitGrace = absl::Seconds(2);

  // fork+exec of options.worker_path with `--zygote --control-fd=3 ...`;
  // returns after the zygote's handshake (which says which namespaces it
  // got; a missing one is also logged to stderr, by the zygote).
  static absl::StatusOr<std::unique_ptr<Zygote>> Start(
      const ZygoteOptions& options);

  absl::StatusOr<SpawnedWorker> Spawn();
  // SIGKILL. NotFound for a pid that is not a live worker of this zygote.
  absl::Status Kill(int pid);
  // Reaps the worker and says how it ended; call after the channel hit EOF
  // (or after Kill). A worker that is still alive after kWaitGrace is
  // SIGKILLed and reported as such.
  absl::StatusOr<WorkerExit> Wait(int pid);

  uint32_t namespaces() const { return namespaces_; }
  pid_t zygote_pid() const { return zygote_pid_; }

  // Closes the control socket: the zygote kills its workers and exits.
  ~Zygote();
  Zygote(const Zygote&) = delete;
  Zygote& operator=(const Zygote&) = delete;

 private:
  Zygote(UniqueFd control, pid_t pid, uint32_t namespaces)
      : control_(std::move(control)), zygote_pid_(pid),
        namespaces_(namespaces) {}

  absl::Mutex mu_;
  UniqueFd control_ ABSL_GUARDED_BY(mu_);
  const pid_t zygote_pid_;
  const uint32_t namespaces_;
};

// The absolute path of a binary built in this workspace, by its path from the
// workspace root ("sandbox/testing/probe_worker"): looked up in the runfiles
// ($TEST_SRCDIR, $RUNFILES_DIR, /proc/self/exe.runfiles; workspace
// $TEST_WORKSPACE or wasm_plugin_host), then beside the running binary.
// NotFound lists the places tried.
absl::StatusOr<std::string> FindWorkerBinary(absl::string_view relative_path);

}  // namespace wasm::sandbox

#endif  // SANDBOX_ZYGOTE_H_
