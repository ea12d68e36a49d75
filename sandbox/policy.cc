// The worker's seccomp allowlist (the list is WorkerPolicy below) and the
// SIGSYS handler that reports a violation to the zygote.
#include "sandbox/policy.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sandbox/report.h"

namespace wasm::sandbox {
namespace {

// si_code of a seccomp SIGSYS (asm-generic/siginfo.h, which clashes with
// glibc's <signal.h>).
constexpr int kSysSeccomp = 1;

// Read by the SIGSYS handler; set once before the filter is loaded.
volatile int g_report_fd = -1;

void SigsysHandler(int, siginfo_t* info, void*) {
  ReportRecord record;
  if (info->si_code == kSysSeccomp) {
    record.type = ReportType::kSeccompViolation;
    record.value = info->si_syscall;
    record.arch = info->si_arch;
  } else {
    record.type = ReportType::kSigsysNotSeccomp;
  }
  ReportAndExit(g_report_fd, record);
}

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using ScmpCtx = std::unique_ptr<void, CtxDeleter>;

// A thin builder over a libseccomp context: every method adds ALLOW rules,
// and the first error wins (later calls do nothing).
class PolicyBuilder {
 public:
  explicit PolicyBuilder(scmp_filter_ctx ctx) : ctx_(ctx) {}

  // Allows each syscall with any arguments.
  PolicyBuilder& Allow(std::initializer_list<int> syscalls) {
    for (int nr : syscalls) Add(nr, {});
    return *this;
  }
  // Allows `nr` when all of `checks` hold (one rule).
  PolicyBuilder& AllowIf(int nr, std::initializer_list<scmp_arg_cmp> checks) {
    Add(nr, checks);
    return *this;
  }
  // Allows `nr` when argument `arg` equals one of `values` (one rule each).
  PolicyBuilder& AllowIfArgIn(int nr, unsigned arg,
                              std::initializer_list<uint64_t> values) {
    for (uint64_t v : values) Add(nr, {Cmp(arg, SCMP_CMP_EQ, v)});
    return *this;
  }
  // Allows `nr` when its protection argument `prot_arg` does not have both
  // PROT_WRITE and PROT_EXEC: one rule per permitted combination of the two.
  PolicyBuilder& AllowIfNotWriteAndExec(int nr, unsigned prot_arg) {
    constexpr uint64_t kWX = PROT_WRITE | PROT_EXEC;
    for (uint64_t bits : {uint64_t{0}, uint64_t{PROT_WRITE}, uint64_t{PROT_EXEC}}) {
      Add(nr, {Cmp(prot_arg, SCMP_CMP_MASKED_EQ, kWX, bits)});
    }
    return *this;
  }

  absl::Status status() const { return status_; }

 private:
  static scmp_arg_cmp Cmp(unsigned arg, scmp_compare op, uint64_t a,
                          uint64_t b = 0) {
    return scmp_arg_cmp{arg, op, a, b};
  }
  void Add(int nr, std::initializer_list<scmp_arg_cmp> checks) {
    if (!status_.ok()) return;
    std::vector<scmp_arg_cmp> v(checks);
    int rc = seccomp_rule_add_exact_array(ctx_, SCMP_ACT_ALLOW, nr,
                                          static_cast<unsigned>(v.size()),
                                          v.empty() ? nullptr : v.data());
    if (rc != 0) {
      status_ = absl::ErrnoToStatus(
          -rc, absl::StrCat("seccomp rule for ", SyscallName(nr)));
    }
  }

  scmp_filter_ctx ctx_;
  absl::Status status_;
};

// THE LIST. Every group says why the worker needs it; anything not here
// raises SIGSYS (SCMP_ACT_TRAP).
absl::Status WorkerPolicy(PolicyBuilder& b, const PolicyOptions& options,
                          int self_pid) {
  (void)options.allow_test_hooks;  // reserved: no test-only syscalls yet
  const uint64_t pid = static_cast<uint64_t>(self_pid);
  b
      // The IPC channel and the memfds it brings: I/O on descriptors the
      // worker already holds (it can create none but memfds, see below).
      // poll/ppoll: the request loop may wait with a timeout.
      // pread64/pwrite64: large messages travel in a memfd (ipc/channel.h).
      .Allow({SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv),
              SCMP_SYS(writev), SCMP_SYS(pread64), SCMP_SYS(pwrite64),
              SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
              SCMP_SYS(sendto), SCMP_SYS(poll), SCMP_SYS(ppoll),
              SCMP_SYS(lseek), SCMP_SYS(close)})
      // fstat of a held fd (LinearMemory::MapExisting checks a memfd's size).
      // glibc's fstat is newfstatat(fd, "", st, AT_EMPTY_PATH); with a
      // non-empty path it could still stat() a path (metadata only; seccomp
      // cannot read the string).
      .Allow({SCMP_SYS(fstat)})
      .AllowIf(SCMP_SYS(newfstatat),
               {SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH)})
      // Memory: the allocator, guard-page reservations (PROT_NONE), memfd
      // mappings of linear memories, JIT code (mapped RW, then R+X): W^X,
      // never PROT_WRITE and PROT_EXEC at once.
      .Allow({SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
              SCMP_SYS(madvise)})
      .AllowIfNotWriteAndExec(SCMP_SYS(mmap), 2)
      .AllowIfNotWriteAndExec(SCMP_SYS(mprotect), 2)
      // Linear memories are memfds the worker makes and grows (memory.grow),
      // sealed against shrinking. fcntl: flags and seals only.
      .Allow({SCMP_SYS(memfd_create), SCMP_SYS(ftruncate),
              SCMP_SYS(fallocate)})
      .AllowIfArgIn(SCMP_SYS(fcntl), 1,
                    {F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GET_SEALS,
                     F_ADD_SEALS, F_DUPFD_CLOEXEC})
      // Signals: trap handlers (SIGSEGV/SIGBUS/SIGILL/SIGFPE on the
      // alternate stack). rt_sigaction for any signal 1..64 but SIGSYS, so
      // the violation reporter cannot be replaced (three rules: < SIGSYS,
      // 32..63, 64; compared as 64-bit values, so high garbage is refused).
      .AllowIf(SCMP_SYS(rt_sigaction), {SCMP_A0(SCMP_CMP_LT, SIGSYS)})
      .AllowIf(SCMP_SYS(rt_sigaction),
               {SCMP_A0(SCMP_CMP_MASKED_EQ, ~uint64_t{0x1f}, 0x20)})
      .AllowIf(SCMP_SYS(rt_sigaction), {SCMP_A0(SCMP_CMP_EQ, 64)})
      .Allow({SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
              SCMP_SYS(sigaltstack), SCMP_SYS(restart_syscall)})
      // abort() and raise() signal the worker itself: kill(self) and
      // tgkill(self, self) (single-threaded: tid == pid), with the pid as
      // the worker sees it (inside its pid namespace). Nobody else.
      .AllowIf(SCMP_SYS(kill), {SCMP_A0(SCMP_CMP_EQ, pid)})
      .AllowIf(SCMP_SYS(tgkill),
               {SCMP_A0(SCMP_CMP_EQ, pid), SCMP_A1(SCMP_CMP_EQ, pid)})
      // Time, identity, scheduling, randomness, locks (glibc uses futexes
      // even single-threaded; Atomics.wait on shared memory later).
      .Allow({SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
              SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
              SCMP_SYS(gettimeofday), SCMP_SYS(getpid), SCMP_SYS(gettid),
              SCMP_SYS(sched_yield), SCMP_SYS(futex), SCMP_SYS(getrandom),
              SCMP_SYS(getrusage), SCMP_SYS(setitimer)})
      // Leaving.
      .Allow({SCMP_SYS(exit), SCMP_SYS(exit_group)});
  return b.status();
}

absl::StatusOr<ScmpCtx> BuildFilter(const PolicyOptions& options,
                                    int self_pid) {
  ScmpCtx ctx(seccomp_init(SCMP_ACT_TRAP));
  if (ctx == nullptr) return absl::InternalError("seccomp_init failed");
  // A syscall through a foreign ABI (int 0x80, i386) is never legitimate.
  int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH,
                            SCMP_ACT_KILL_PROCESS);
  if (rc != 0) return absl::ErrnoToStatus(-rc, "seccomp_attr_set(BADARCH)");
  PolicyBuilder builder(ctx.get());
  absl::Status status = WorkerPolicy(builder, options, self_pid);
  if (!status.ok()) return status;
  return ctx;
}

}  // namespace

absl::Status InstallWorkerPolicy(const PolicyOptions& options) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return absl::ErrnoToStatus(errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  }
  absl::StatusOr<ScmpCtx> ctx = BuildFilter(options, getpid());
  if (!ctx.ok()) return ctx.status();

  g_report_fd = options.report_fd;
  struct sigaction action = {};
  action.sa_sigaction = SigsysHandler;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigfillset(&action.sa_mask);
  if (sigaction(SIGSYS, &action, nullptr) != 0) {
    return absl::ErrnoToStatus(errno, "sigaction(SIGSYS)");
  }
  sigset_t sigsys;
  sigemptyset(&sigsys);
  sigaddset(&sigsys, SIGSYS);
  if (sigprocmask(SIG_UNBLOCK, &sigsys, nullptr) != 0) {
    return absl::ErrnoToStatus(errno, "sigprocmask(SIGSYS)");
  }

  // Every thread of the worker (a compile pool started before confinement):
  // seccomp_load fails rather than leave one unconfined.
  int rc = seccomp_attr_set(ctx->get(), SCMP_FLTATR_CTL_TSYNC, 1);
  if (rc != 0) return absl::ErrnoToStatus(-rc, "seccomp_attr_set(TSYNC)");
  rc = seccomp_load(ctx->get());
  if (rc != 0) return absl::ErrnoToStatus(-rc, "seccomp_load");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<sock_filter>> CompileWorkerPolicy(
    const PolicyOptions& options, int self_pid) {
  absl::StatusOr<ScmpCtx> ctx = BuildFilter(options, self_pid);
  if (!ctx.ok()) return ctx.status();
  // libseccomp 2.5 exports to a descriptor only.
  int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, "memfd_create");
  std::vector<sock_filter> program;
  int rc = seccomp_export_bpf(ctx->get(), fd);
  if (rc == 0) {
    off_t size = lseek(fd, 0, SEEK_END);
    program.resize(static_cast<size_t>(size) / sizeof(sock_filter));
    ssize_t n = pread(fd, program.data(), program.size() * sizeof(sock_filter), 0);
    if (n != static_cast<ssize_t>(program.size() * sizeof(sock_filter))) {
      rc = -EIO;
    }
  }
  close(fd);
  if (rc != 0) return absl::ErrnoToStatus(-rc, "seccomp_export_bpf");
  return program;
}

std::string SyscallName(int nr) {
  char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
  if (name == nullptr) return absl::StrCat("syscall ", nr);
  std::string result(name);
  free(name);
  return result;
}

}  // namespace wasm::sandbox
