// ConfineWorker: everything a worker does to itself before it touches an
// untrusted byte. Runs in the freshly forked worker (zygote.h), once:
//
//   ConfineOptions options = defaults;
//   options.channel_fd = received_fd;
//   options.report_fd = report_pipe_write_end;
//   absl::StatusOr<int> channel = ConfineWorker(options);
//   if (!channel.ok()) ... report and _exit
//   return main(*channel);  // only the channel (3) and the report pipe (4)
//
// In order:
//   1. descriptors: the channel becomes kChannelFd (3), the report pipe
//      kReportFd (4); 0, 1 and 2 become /dev/null (so a stray write to
//      stderr, e.g. glibc's abort message, cannot land in a memfd that
//      happens to get number 2); every other fd is closed (close_range, or
//      a loop up to RLIMIT_NOFILE where the kernel lacks it);
//   2. rlimits: CORE 0, AS address_space_bytes, CPU cpu_seconds (soft; the
//      hard limit 1 s later is a SIGKILL), NOFILE max_open_files, FSIZE
//      max_file_bytes (this bounds memfd ftruncate: at least 4 GiB for a
//      full 32-bit memory), NPROC 0 (the worker never forks or starts a
//      thread; the policy forbids clone anyway; threads started by
//      `before_confine`, earlier, are confined with the worker);
//   3. SIGXFSZ ignored (a too-large ftruncate fails with EFBIG instead of
//      killing), PR_SET_DUMPABLE 0 (no ptrace, no /proc/pid/mem from peers),
//      PR_SET_PDEATHSIG SIGKILL (dies with the zygote);
//   4. InstallWorkerPolicy (policy.h), on every thread of the worker (TSYNC).
#ifndef SANDBOX_CONFINE_H_
#define SANDBOX_CONFINE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "sandbox/policy.h"

namespace wasm::sandbox {

inline constexpr int kChannelFd = 3;
inline constexpr int kReportFd = 4;

struct ConfineOptions {
  // The only descriptor kept for the worker's use; renumbered to kChannelFd.
  int channel_fd = -1;
  // The zygote's report pipe (report.h), renumbered to kReportFd; -1: none.
  // It overrides policy.report_fd.
  int report_fd = -1;
  // RLIMIT_AS: a memory reserves 8 GiB + 64 KiB of address space
  // (linear_memory.h), so the default leaves room for ~7 memories plus code.
  uint64_t address_space_bytes = uint64_t{64} << 30;
  // RLIMIT_CPU in seconds when nonzero.
  uint64_t cpu_seconds = 0;
  // RLIMIT_NOFILE: the channel plus a few received memfds.
  uint64_t max_open_files = 64;
  // RLIMIT_FSIZE: bounds the size of any memfd the worker grows (4 GiB is
  // the largest 32-bit memory).
  uint64_t max_file_bytes = uint64_t{4} << 30;
  // Runs in each new worker before it gets its channel and is confined (for
  // a pre-forked spare: right after the fork, off the Spawn's critical
  // path): the one place a worker may start threads (the JIT's compile
  // pool). It must return only once its threads are running (glibc's thread
  // start-up makes syscalls the policy refuses: set_robust_list, rseq) and
  // have made any first-use set-up (a malloc arena). Those threads must
  // block the asynchronous signals and touch no untrusted byte; confinement
  // covers them too. nullptr: nothing.
  void (*before_confine)() = nullptr;
  PolicyOptions policy;
};

// Confines the calling process (see above), all its threads, before any
// untrusted input is read; threads other than the caller's must only be
// those before_confine started. Returns the channel's new number (kChannelFd).
// On error the process is partly confined: the caller must exit.
absl::StatusOr<int> ConfineWorker(const ConfineOptions& options);

}  // namespace wasm::sandbox

#endif  // SANDBOX_CONFINE_H_
