// ConfineWorker: fds, rlimits, prctls, then the seccomp policy (confine.h).
#include "sandbox/confine.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace wasm::sandbox {
namespace {

absl::Status SetLimit(int resource, const char* name, rlim_t soft,
                      rlim_t hard) {
  struct rlimit limit = {soft, hard};
  if (setrlimit(resource, &limit) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("setrlimit(", name, ")"));
  }
  return absl::OkStatus();
}

// Moves `fd` to `target` (dup2; the caller closes `fd` later).
absl::Status MoveFd(int fd, int target, const char* what) {
  if (fd == target) return absl::OkStatus();
  if (dup2(fd, target) < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("dup2(", what, ")"));
  }
  return absl::OkStatus();
}

absl::Status CloseFrom(int first) {
  if (close_range(static_cast<unsigned>(first), ~0U, 0) == 0) {
    return absl::OkStatus();
  }
  if (errno != ENOSYS) return absl::ErrnoToStatus(errno, "close_range");
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::ErrnoToStatus(errno, "getrlimit(NOFILE)");
  }
  for (rlim_t fd = static_cast<rlim_t>(first); fd < limit.rlim_cur; ++fd) {
    close(static_cast<int>(fd));
  }
  return absl::OkStatus();
}

absl::Status ConfineFds(const ConfineOptions& options, int* channel) {
  if (options.channel_fd < 0 || fcntl(options.channel_fd, F_GETFD) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ConfineWorker: channel fd ", options.channel_fd,
                     " is not open"));
  }
  // Lift both fds above every target number first, so that moving one to
  // its target cannot clobber the other.
  int high_channel = fcntl(options.channel_fd, F_DUPFD, 10);
  if (high_channel < 0) return absl::ErrnoToStatus(errno, "dup(channel)");
  int high_report = -1;
  if (options.report_fd >= 0) {
    high_report = fcntl(options.report_fd, F_DUPFD, 10);
    if (high_report < 0) return absl::ErrnoToStatus(errno, "dup(report)");
  }
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd <= 2; ++fd) {
    if (null_fd >= 0) {
      if (fd != null_fd && dup2(null_fd, fd) < 0) {
        return absl::ErrnoToStatus(errno, "dup2(/dev/null)");
      }
    } else {
      close(fd);
    }
  }
  absl::Status status = MoveFd(high_channel, kChannelFd, "channel");
  if (!status.ok()) return status;
  int first_closed = kChannelFd + 1;
  if (high_report >= 0) {
    status = MoveFd(high_report, kReportFd, "report");
    if (!status.ok()) return status;
    first_closed = kReportFd + 1;
  }
  // Neither survives an exec (there is none; still, no fd leaks by design).
  fcntl(kChannelFd, F_SETFD, FD_CLOEXEC);
  if (high_report >= 0) fcntl(kReportFd, F_SETFD, FD_CLOEXEC);
  status = CloseFrom(first_closed);
  if (!status.ok()) return status;
  *channel = kChannelFd;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> ConfineWorker(const ConfineOptions& options) {
  int channel = -1;
  absl::Status status = ConfineFds(options, &channel);
  if (!status.ok()) return status;

  struct LimitSpec {
    int resource;
    const char* name;
    rlim_t soft;
    rlim_t hard;
  };
  const LimitSpec limits[] = {
      {RLIMIT_CORE, "CORE", 0, 0},
      {RLIMIT_AS, "AS", options.address_space_bytes,
       options.address_space_bytes},
      {RLIMIT_NOFILE, "NOFILE", options.max_open_files, options.max_open_files},
      {RLIMIT_FSIZE, "FSIZE", options.max_file_bytes, options.max_file_bytes},
      {RLIMIT_NPROC, "NPROC", 0, 0},
  };
  for (const LimitSpec& limit : limits) {
    status = SetLimit(limit.resource, limit.name, limit.soft, limit.hard);
    if (!status.ok()) return status;
  }
  if (options.cpu_seconds != 0) {
    // SIGXCPU at the soft limit (default action: terminate), SIGKILL at the
    // hard one should the worker catch SIGXCPU.
    status = SetLimit(RLIMIT_CPU, "CPU", options.cpu_seconds,
                      options.cpu_seconds + 1);
    if (!status.ok()) return status;
  }

  if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR) {
    return absl::ErrnoToStatus(errno, "signal(SIGXFSZ)");
  }
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return absl::ErrnoToStatus(errno, "prctl(PR_SET_DUMPABLE)");
  }
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
    return absl::ErrnoToStatus(errno, "prctl(PR_SET_PDEATHSIG)");
  }

  PolicyOptions policy = options.policy;
  policy.report_fd = options.report_fd >= 0 ? kReportFd : -1;
  status = InstallWorkerPolicy(policy);
  if (!status.ok()) return status;
  return channel;
}

}  // namespace wasm::sandbox
