// The worker's seccomp-bpf policy: the one list of syscalls a confined worker
// (a JIT plus one IPC channel) may make. The list itself is in policy.cc,
// written as a builder chain with one comment per group; this header is the
// summary.
//
//   // In the worker, after the fds are closed and rlimits set (confine.h):
//   PolicyOptions options;
//   options.report_fd = 4;  // the zygote's report pipe (report.h)
//   RETURN_IF_ERROR(InstallWorkerPolicy(options));
//   // from here on openat() raises SIGSYS: the handler writes
//   // {kSeccompViolation, 257} to fd 4 and exit_group()s.
//
// Allowed (everything else takes the default action, SCMP_ACT_TRAP):
//   - I/O on descriptors already held: read write readv writev recvmsg
//     sendmsg recvfrom sendto poll ppoll lseek close fstat,
//     newfstatat only with AT_EMPTY_PATH (glibc's fstat)
//   - memory: brk munmap mremap madvise; mmap and mprotect only when prot is
//     not PROT_WRITE|PROT_EXEC together (W^X)
//   - memfds for linear memories: memfd_create ftruncate fallocate;
//     fcntl only F_GETFD F_SETFD F_GETFL F_SETFL F_GET_SEALS F_ADD_SEALS
//     F_DUPFD_CLOEXEC
//   - signals: rt_sigaction (any signal but SIGSYS: the violation reporter
//     stays installed) rt_sigprocmask rt_sigreturn sigaltstack restart_syscall;
//     kill(own pid) and tgkill(own pid, own pid) (abort(), raise())
//   - time and identity: clock_gettime clock_getres clock_nanosleep nanosleep
//     gettimeofday getpid gettid sched_yield futex getrandom
//   - exit exit_group
// Forbidden, among others: open openat openat2 creat, execve execveat,
//   socket socketpair connect bind listen accept, fork vfork clone clone3,
//   ptrace, process_vm_readv/writev, kill/tgkill of any other process, mount,
//   unshare, setns, chdir, prctl, pkey_mprotect, any non-x86-64 syscall ABI
//   (a foreign architecture kills the process outright).
//
// Invariant: the worker is single-threaded (no clone at all), so the filter
//   applies to every thread it will ever have.
#ifndef SANDBOX_POLICY_H_
#define SANDBOX_POLICY_H_

#include <linux/filter.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace wasm::sandbox {

struct PolicyOptions {
  // Reserved for test-only additions; today it allows nothing extra.
  bool allow_test_hooks = false;
  // Where the SIGSYS handler writes its ReportRecord (report.h); -1: nowhere
  // (the handler still exits with kReportExitCode).
  int report_fd = -1;
};

// Sets PR_SET_NO_NEW_PRIVS, installs the SIGSYS violation reporter (on the
// alternate signal stack when there is one) and loads the worker filter for
// this process; kill/tgkill are allowed with the caller's getpid() only.
// Must run single-threaded: the filter does not synchronise other threads.
absl::Status InstallWorkerPolicy(const PolicyOptions& options);

// The compiled filter as classic BPF, for tests that evaluate it against
// crafted seccomp_data; `self_pid` plays the worker's getpid().
absl::StatusOr<std::vector<sock_filter>> CompileWorkerPolicy(
    const PolicyOptions& options, int self_pid);

// The syscall's name on this architecture ("openat" for 257), via libseccomp;
// "syscall N" when unknown.
std::string SyscallName(int nr);

}  // namespace wasm::sandbox

#endif  // SANDBOX_POLICY_H_
