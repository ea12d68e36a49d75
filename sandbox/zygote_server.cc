// The zygote side of zygote.h: namespaces, the fork server loop, and what a
// freshly forked worker does before its WorkerMain.
#include <fcntl.h>
#include <linux/audit.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "runtime/vm/unique_fd.h"
#include "sandbox/policy.h"
#include "sandbox/report.h"
#include "sandbox/zygote.h"
#include "sandbox/zygote_protocol.h"

namespace wasm::sandbox {
namespace {

using internal::ControlOp;
using internal::ControlReply;
using internal::ControlRequest;
using internal::ZygoteHello;

void Warn(const std::string& message) {
  std::string line = absl::StrCat("[sandbox zygote] warning: ", message, "\n");
  ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

bool WriteFile(const char* path, absl::string_view contents) {
  UniqueFd fd(open(path, O_WRONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  return write(fd.get(), contents.data(), contents.size()) ==
         static_cast<ssize_t>(contents.size());
}

// unshare() of each namespace in turn; warns about each one refused.
uint32_t EnterNamespaces() {
  uint32_t got = 0;
  const uid_t uid = getuid();
  const gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER) == 0) {
    got |= kUserNamespace;
    // Root inside maps to the broker's uid outside: nothing more.
    const bool mapped =
        WriteFile("/proc/self/setgroups", "deny") &&
        WriteFile("/proc/self/uid_map", absl::StrCat("0 ", uid, " 1\n")) &&
        WriteFile("/proc/self/gid_map", absl::StrCat("0 ", gid, " 1\n"));
    if (!mapped) {
      Warn(absl::StrCat("user namespace without an id map: ",
                        strerror(errno)));
    }
  } else {
    Warn(absl::StrCat("no user namespace: unshare(CLONE_NEWUSER): ",
                      strerror(errno)));
  }
  struct {
    int flag;
    uint32_t bit;
    const char* name;
  } const kOthers[] = {
      {CLONE_NEWNET, kNetNamespace, "net"},
      {CLONE_NEWIPC, kIpcNamespace, "ipc"},
      {CLONE_NEWPID, kPidNamespace, "pid"},
  };
  for (const auto& ns : kOthers) {
    if (unshare(ns.flag) == 0) {
      got |= ns.bit;
    } else {
      Warn(absl::StrCat("no ", ns.name, " namespace: unshare: ",
                        strerror(errno)));
    }
  }
  return got;
}

// Start from a clean slate whatever the broker left us: no blocked signals,
// default dispositions (an inherited SIG_IGN for SIGCHLD would make waitpid
// fail), and no descriptor but stdio and the control socket.
void ResetProcessState(int control_fd) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    signal(sig, SIG_DFL);
  }
  if (control_fd > 3) close_range(3, static_cast<unsigned>(control_fd) - 1, 0);
  close_range(static_cast<unsigned>(control_fd) + 1, ~0U, 0);
}

bool SendReply(int control_fd, const ControlReply& reply,
               const struct ucred* credentials) {
  struct iovec iov = {const_cast<ControlReply*>(&reply), sizeof(reply)};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(struct ucred))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (credentials != nullptr) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_CREDENTIALS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    memcpy(CMSG_DATA(cmsg), credentials, sizeof(*credentials));
  }
  ssize_t n;
  do {
    n = sendmsg(control_fd, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof(reply));
}

ControlReply ErrorReply(int error) {
  ControlReply reply;
  reply.error = error;
  return reply;
}

void CopyMessage(absl::string_view text, char* out, size_t size) {
  size_t n = std::min(text.size(), size - 1);
  memcpy(out, text.data(), n);
  out[n] = '\0';
}

// In the new worker, right after fork: never returns.
[[noreturn]] void RunWorker(pid_t parent, int channel_fd, int report_fd,
                            WorkerMain main, const ConfineOptions& defaults) {
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid() != parent) _exit(1);  // the fork server is already gone
  // Put the report pipe where ConfineWorker will leave it, so that a failure
  // can always be reported on kReportFd.
  int high_channel = fcntl(channel_fd, F_DUPFD_CLOEXEC, 10);
  int high_report = fcntl(report_fd, F_DUPFD_CLOEXEC, 10);
  if (high_channel < 0 || high_report < 0 ||
      dup2(high_channel, kChannelFd) < 0 || dup2(high_report, kReportFd) < 0) {
    ReportRecord record;
    record.type = ReportType::kSetupFailed;
    CopyMessage(absl::StrCat("moving the channel: ", strerror(errno)),
                record.text, sizeof(record.text));
    ReportAndExit(report_fd, record);
  }
  ConfineOptions options = defaults;
  options.channel_fd = kChannelFd;
  options.report_fd = kReportFd;
  absl::StatusOr<int> channel = ConfineWorker(options);
  if (!channel.ok()) {
    ReportRecord record;
    record.type = ReportType::kSetupFailed;
    CopyMessage(channel.status().ToString(), record.text, sizeof(record.text));
    ReportAndExit(kReportFd, record);
  }
  _exit(main(*channel));
}

// What the fork server knows about a live (or unreaped) worker.
struct Worker {
  UniqueFd report;  // read end of the report pipe
};

class ForkServer {
 public:
  ForkServer(int control_fd, WorkerMain main, const ConfineOptions& confine,
             uint32_t namespaces)
      : control_fd_(control_fd), main_(main), confine_(confine),
        namespaces_(namespaces) {}

  int Serve() {
    // Pre-initialise what every worker needs, once: libseccomp probes the
    // kernel's seccomp features and caches them, and the allocator warms up;
    // workers inherit both instead of redoing them after each fork.
    (void)seccomp_api_get();
    (void)CompileWorkerPolicy(confine_.policy, getpid());
    ZygoteHello hello;
    hello.namespaces = namespaces_;
    if (send(control_fd_, &hello, sizeof(hello), MSG_NOSIGNAL) !=
        sizeof(hello)) {
      Warn(absl::StrCat("handshake: ", strerror(errno)));
      return 1;
    }
    for (;;) {
      // A spare worker waits, forked, for the next Spawn: the fork is off
      // the broker's critical path. (Forked here, between requests, so it
      // inherits no channel meant for another worker.)
      ForkSpare();
      ControlRequest request;
      int fd = -1;
      ssize_t n = Receive(&request, &fd);
      if (n == 0) break;  // the broker closed the control socket
      if (n < 0) {
        if (errno == EINTR) continue;
        Warn(absl::StrCat("control socket: ", strerror(errno)));
        break;
      }
      UniqueFd received(fd);
      if (n != sizeof(request)) {
        SendReply(control_fd_, ErrorReply(EINVAL), nullptr);
        continue;
      }
      switch (request.op) {
        case ControlOp::kSpawn:
          Spawn(std::move(received));
          break;
        case ControlOp::kKill:
          SendReply(control_fd_, Kill(request.pid), nullptr);
          break;
        case ControlOp::kWait:
          SendReply(control_fd_, Wait(request.pid), nullptr);
          break;
        default:
          SendReply(control_fd_, ErrorReply(EINVAL), nullptr);
      }
    }
    Shutdown();
    return 0;
  }

 private:
  ssize_t Receive(ControlRequest* request, int* fd) {
    struct iovec iov = {request, sizeof(*request)};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n = recvmsg(control_fd_, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) return n;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
         c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int received;
        memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        if (*fd < 0) {
          *fd = received;
        } else {
          close(received);  // one descriptor per request, at most
        }
      }
    }
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) return n + 1;  // malformed
    return n;
  }

  // A pre-forked worker blocked in recvmsg on its handoff socket until it is
  // given its channel (then it confines itself and runs, exactly as a
  // freshly forked one); EOF on the handoff socket makes it exit.
  void ForkSpare() {
    if (spare_pid_ > 0) return;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return;
    UniqueFd server_end(sv[0]);
    UniqueFd child_end(sv[1]);
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
    UniqueFd report_read(pipe_fds[0]);
    UniqueFd report_write(pipe_fds[1]);
    const pid_t self = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
      if (getppid() != self) _exit(1);
      close(server_end.release());
      if (confine_.before_confine != nullptr) confine_.before_confine();
      char byte;
      struct iovec iov = {&byte, 1};
      alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
      struct msghdr msg = {};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      ssize_t got;
      while ((got = recvmsg(child_end.get(), &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
      }
      struct cmsghdr* c = got > 0 ? CMSG_FIRSTHDR(&msg) : nullptr;
      if (c == nullptr || c->cmsg_type != SCM_RIGHTS) _exit(0);  // not needed after all
      int channel;
      memcpy(&channel, CMSG_DATA(c), sizeof(int));
      close(child_end.release());
      RunWorker(self, channel, report_write.get(), main_, confine_);
    }
    if (pid < 0) return;
    workers_[pid].report = std::move(report_read);
    spare_pid_ = pid;
    spare_handoff_ = std::move(server_end);
  }

  // Hands `channel` to the spare worker; its pid, or -1 when there is none
  // (or it died: then it is reaped and forgotten).
  pid_t UseSpare(const UniqueFd& channel) {
    if (spare_pid_ <= 0) return -1;
    const pid_t pid = spare_pid_;
    spare_pid_ = -1;
    UniqueFd handoff = std::move(spare_handoff_);
    char byte = 0;
    struct iovec iov = {&byte, 1};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    const int fd = channel.get();
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    if (sendmsg(handoff.get(), &msg, MSG_NOSIGNAL) != 1) {
      kill(pid, SIGKILL);
      while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
      workers_.erase(pid);
      return -1;
    }
    return pid;
  }

  void Spawn(UniqueFd channel) {
    if (!channel.valid()) {
      SendReply(control_fd_, ErrorReply(EBADF), nullptr);
      return;
    }
    if (const pid_t pid = UseSpare(channel); pid > 0) {
      Reply(pid);
      return;
    }
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
      SendReply(control_fd_, ErrorReply(errno), nullptr);
      return;
    }
    UniqueFd report_read(pipe_fds[0]);
    UniqueFd report_write(pipe_fds[1]);
    const pid_t self = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
      if (confine_.before_confine != nullptr) confine_.before_confine();
      RunWorker(self, channel.get(), report_write.get(), main_, confine_);
    }
    if (pid < 0) {
      SendReply(control_fd_, ErrorReply(errno), nullptr);
      return;
    }
    workers_[pid].report = std::move(report_read);
    Reply(pid);
  }

  // The Spawn reply: the pid as the zygote sees it, and (with a pid
  // namespace) as the broker does, in the credentials.
  void Reply(pid_t pid) {
    ControlReply reply;
    reply.pid = pid;
    if (namespaces_ & kPidNamespace) {
      // Name the worker in credentials: the broker reads its own view of
      // the pid. Allowed because we are root in the user namespace owning
      // our pid namespace; without it, fall back to no credentials.
      struct ucred credentials = {pid, getuid(), getgid()};
      reply.flags = internal::kHostPidInCredentials;
      if (SendReply(control_fd_, reply, &credentials)) return;
      reply.flags = 0;
    }
    SendReply(control_fd_, reply, nullptr);
  }

  ControlReply Kill(pid_t pid) {
    if (workers_.find(pid) == workers_.end()) return ErrorReply(ESRCH);
    if (kill(pid, SIGKILL) != 0) return ErrorReply(errno);
    return ControlReply();
  }

  ControlReply Wait(pid_t pid) {
    auto it = workers_.find(pid);
    if (it == workers_.end()) return ErrorReply(ESRCH);
    ControlReply reply;
    int status = 0;
    bool killed_by_us = false;
    const absl::Time deadline = absl::Now() + Zygote::kWaitGrace;
    absl::Duration pause = absl::Microseconds(50);
    for (;;) {
      pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0 && errno != EINTR) {
        int error = errno;
        workers_.erase(it);
        return ErrorReply(error);
      }
      if (r == 0 && absl::Now() >= deadline) {
        kill(pid, SIGKILL);
        killed_by_us = true;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        break;
      }
      absl::SleepFor(pause);
      pause = std::min(pause * 2, absl::Milliseconds(20));
    }
    ReportRecord record;
    ssize_t n = read(it->second.report.get(), &record, sizeof(record));
    const bool has_record = n == static_cast<ssize_t>(sizeof(record)) &&
                            record.magic == kReportMagic;
    workers_.erase(it);

    if (WIFEXITED(status)) {
      reply.kind = WorkerExit::kExited;
      reply.code = WEXITSTATUS(status);
      if (reply.code == kReportExitCode && has_record) {
        switch (record.type) {
          case ReportType::kSeccompViolation:
            reply.kind = WorkerExit::kSeccomp;
            reply.syscall = record.value;
            if (record.arch != AUDIT_ARCH_X86_64) {
              CopyMessage(absl::StrCat("foreign syscall ABI 0x",
                                       absl::Hex(record.arch)),
                          reply.message, sizeof(reply.message));
            }
            break;
          case ReportType::kSigsysNotSeccomp:
            reply.kind = WorkerExit::kSignaled;
            reply.signal = SIGSYS;
            break;
          case ReportType::kSetupFailed:
            reply.kind = WorkerExit::kSetupFailed;
            record.text[sizeof(record.text) - 1] = '\0';
            CopyMessage(record.text, reply.message, sizeof(reply.message));
            break;
        }
      }
    } else if (WIFSIGNALED(status)) {
      reply.signal = WTERMSIG(status);
      // SIGSYS as a death: seccomp forced the default action (the handler
      // was blocked or gone), so the syscall is unknown.
      reply.kind = reply.signal == SIGSYS ? WorkerExit::kSeccomp
                                          : WorkerExit::kSignaled;
      if (killed_by_us) {
        CopyMessage("still alive after Wait()'s grace period: killed",
                    reply.message, sizeof(reply.message));
      }
    }
    return reply;
  }

  void Shutdown() {
    for (const auto& [pid, worker] : workers_) kill(pid, SIGKILL);
    workers_.clear();
    // As PID 1 we also reap anything reparented to us.
    while (waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
    }
  }

  const int control_fd_;
  const WorkerMain main_;
  const ConfineOptions confine_;
  const uint32_t namespaces_;
  absl::flat_hash_map<pid_t, Worker> workers_;
  // The pre-forked worker waiting for a channel (also in workers_).
  pid_t spare_pid_ = -1;
  UniqueFd spare_handoff_;
};

bool ParseUint(absl::string_view text, uint64_t* out) {
  return absl::SimpleAtoi(text, out);
}

}  // namespace

std::string NamespaceNames(uint32_t namespaces) {
  std::vector<std::string> names;
  if (namespaces & kUserNamespace) names.push_back("user");
  if (namespaces & kPidNamespace) names.push_back("pid");
  if (namespaces & kNetNamespace) names.push_back("net");
  if (namespaces & kIpcNamespace) names.push_back("ipc");
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

absl::StatusOr<std::optional<ZygoteArgs>> ParseZygoteArgs(int argc,
                                                         char** argv) {
  bool zygote = false;
  ZygoteArgs args;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg(argv[i]);
    uint64_t value = 0;
    if (arg == "--zygote") {
      zygote = true;
    } else if (arg == "--no-namespaces") {
      args.namespaces = false;
    } else if (absl::ConsumePrefix(&arg, "--control-fd=")) {
      if (!ParseUint(arg, &value) || value > 1 << 20) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad --control-fd: ", argv[i]));
      }
      args.control_fd = static_cast<int>(value);
    } else if (absl::ConsumePrefix(&arg, "--worker-address-space-bytes=")) {
      if (!ParseUint(arg, &value)) {
        return absl::InvalidArgumentError(absl::StrCat("bad ", argv[i]));
      }
      args.address_space_bytes = value;
    } else if (absl::ConsumePrefix(&arg, "--worker-cpu-seconds=")) {
      if (!ParseUint(arg, &value)) {
        return absl::InvalidArgumentError(absl::StrCat("bad ", argv[i]));
      }
      args.cpu_seconds = value;
    }
  }
  if (!zygote) return std::optional<ZygoteArgs>();
  if (args.control_fd < 0) {
    return absl::InvalidArgumentError("--zygote needs --control-fd=N");
  }
  return std::optional<ZygoteArgs>(args);
}

int RunZygote(const ZygoteArgs& args, WorkerMain main,
              const ConfineOptions& defaults, ZygotePrepare prepare) {
  const int control_fd = args.control_fd;
  if (fcntl(control_fd, F_GETFD) < 0) {
    Warn(absl::StrCat("control fd ", control_fd, " is not open"));
    return 2;
  }
  ResetProcessState(control_fd);
  if (prepare != nullptr) prepare();
  ConfineOptions confine = defaults;
  if (args.address_space_bytes) {
    confine.address_space_bytes = *args.address_space_bytes;
  }
  if (args.cpu_seconds) confine.cpu_seconds = *args.cpu_seconds;

  const pid_t parent = getppid();
  uint32_t namespaces = 0;
  if (args.namespaces) {
    namespaces = EnterNamespaces();
  } else {
    Warn("namespaces disabled (--no-namespaces)");
  }
  // A credential change (the user namespace) clears the parent-death
  // signal: set it again, and make sure the broker did not die meanwhile.
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid() != parent) return 1;

  if (!(namespaces & kPidNamespace)) {
    return ForkServer(control_fd, main, confine, namespaces).Serve();
  }
  // Only our children enter the new pid namespace; the first one is its
  // PID 1 (init), and the namespace lives exactly as long as it does.
  const pid_t self = getpid();
  const pid_t server = fork();
  if (server < 0) {
    Warn(absl::StrCat("fork of the fork server: ", strerror(errno)));
    return 1;
  }
  if (server == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != 0 && getppid() != self) _exit(1);
    _exit(ForkServer(control_fd, main, confine, namespaces).Serve());
  }
  close(control_fd);
  int status = 0;
  while (waitpid(server, &status, 0) < 0) {
    if (errno != EINTR) return 1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

int RunZygote(int control_fd, WorkerMain main, const ConfineOptions& defaults) {
  ZygoteArgs args;
  args.control_fd = control_fd;
  return RunZygote(args, main, defaults);
}

std::optional<int> MaybeRunZygote(int argc, char** argv, WorkerMain main,
                                  const ConfineOptions& defaults,
                                  ZygotePrepare prepare) {
  absl::StatusOr<std::optional<ZygoteArgs>> args = ParseZygoteArgs(argc, argv);
  if (!args.ok()) {
    Warn(std::string(args.status().message()));
    return 2;
  }
  if (!args->has_value()) return std::nullopt;
  return RunZygote(**args, main, defaults, prepare);
}

}  // namespace wasm::sandbox
