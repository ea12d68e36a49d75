// The record a dying worker leaves for its zygote (internal to sandbox/).
//
// The worker cannot tell the broker why it died over the broker <-> worker
// channel (that protocol belongs to ipc/), and an exit code cannot carry a
// syscall number (> 255). So the zygote gives every worker a pipe: the worker
// keeps the write end (renumbered to kReportFd by ConfineWorker), the zygote
// the read end. Just before it dies, the worker writes one fixed-size
// ReportRecord (a single write(2) of < PIPE_BUF bytes: atomic) and exits with
// kReportExitCode via the raw exit_group syscall. When the zygote reaps the
// worker it believes the record only if the worker also exited with
// kReportExitCode, so a record cannot dress up a later crash.
//
// Writers run in a SIGSYS handler or right after fork: async-signal-safe only,
// and only syscalls the worker policy allows (write, exit_group).
#ifndef SANDBOX_REPORT_H_
#define SANDBOX_REPORT_H_

#include <cstdint>

namespace wasm::sandbox {

// The exit code that says "read my record".
inline constexpr int kReportExitCode = 121;

inline constexpr uint32_t kReportMagic = 0x57534231;  // "WSB1"

enum class ReportType : uint32_t {
  kSeccompViolation = 1,  // value = the syscall number (si_syscall)
  kSigsysNotSeccomp = 2,  // a SIGSYS someone sent (si_code != SYS_SECCOMP)
  kSetupFailed = 3,       // ConfineWorker failed; text = its message
};

struct ReportRecord {
  uint32_t magic = kReportMagic;
  ReportType type = ReportType::kSeccompViolation;
  int32_t value = -1;
  uint32_t arch = 0;  // si_arch (AUDIT_ARCH_*), for seccomp violations
  char text[112] = {};
};
static_assert(sizeof(ReportRecord) == 128);

// Writes `record` to `fd` and ends the process with kReportExitCode, using raw
// syscalls only. Never returns. Async-signal-safe.
[[noreturn]] void ReportAndExit(int fd, const ReportRecord& record);

}  // namespace wasm::sandbox

#endif  // SANDBOX_REPORT_H_
