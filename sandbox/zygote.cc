// The broker side of zygote.h: starting the zygote, the control requests,
// WorkerExit::Describe and FindWorkerBinary.
#include "sandbox/zygote.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "sandbox/policy.h"
#include "sandbox/zygote_protocol.h"

namespace wasm::sandbox {
namespace {

using internal::ControlOp;
using internal::ControlReply;
using internal::ControlRequest;
using internal::ZygoteHello;

// The longest the broker waits for any answer from the zygote.
const absl::Duration kReplyTimeout = Zygote::kWaitGrace + absl::Seconds(10);

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return absl::StrCat("signal ", WTERMSIG(status));
  }
  return absl::StrCat("wait status ", status);
}

// Reaps `pid`, SIGKILLing it if it has not exited within `grace`.
int ReapWithin(pid_t pid, absl::Duration grace) {
  const absl::Time deadline = absl::Now() + grace;
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return 0;
    if (r == 0 && absl::Now() >= deadline) break;
    absl::SleepFor(absl::Milliseconds(1));
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Waits until `fd` is readable (or hung up) for at most `timeout`.
absl::Status WaitReadable(int fd, absl::Duration timeout, const char* what) {
  struct pollfd p = {fd, POLLIN, 0};
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    int ms = static_cast<int>(
        absl::ToInt64Milliseconds(deadline - absl::Now()));
    int r = poll(&p, 1, ms < 0 ? 0 : ms);
    if (r > 0) return absl::OkStatus();
    if (r == 0) {
      return absl::DeadlineExceededError(
          absl::StrCat("zygote: no ", what, " within ",
                       absl::FormatDuration(timeout)));
    }
    if (errno != EINTR) return absl::ErrnoToStatus(errno, "zygote: poll");
  }
}

// Receives one message of exactly `size` bytes; *cred_pid gets the
// SCM_CREDENTIALS pid (or -1). Descriptors are never expected: any that come
// are closed.
absl::Status ReceiveExact(int fd, void* data, size_t size, int* cred_pid,
                          const char* what) {
  absl::Status ready = WaitReadable(fd, kReplyTimeout, what);
  if (!ready.ok()) return ready;
  struct iovec iov = {data, size};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(struct ucred)) +
                                       CMSG_SPACE(sizeof(int) * 4)];
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  do {
    n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return absl::ErrnoToStatus(errno, "zygote: recvmsg");
  if (cred_pid != nullptr) *cred_pid = -1;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_RIGHTS) {
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int stray;
        memcpy(&stray, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        close(stray);
      }
    } else if (c->cmsg_type == SCM_CREDENTIALS && cred_pid != nullptr &&
               c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
      struct ucred credentials;
      memcpy(&credentials, CMSG_DATA(c), sizeof(credentials));
      *cred_pid = credentials.pid;
    }
  }
  if (n == 0) {
    return absl::UnavailableError(
        absl::StrCat("zygote: control socket closed while waiting for ",
                     what, " (the zygote died)"));
  }
  if (static_cast<size_t>(n) != size || (msg.msg_flags & MSG_TRUNC)) {
    return absl::InternalError(absl::StrCat("zygote: malformed ", what, " (",
                                            n, " bytes)"));
  }
  return absl::OkStatus();
}

absl::Status SendRequest(int fd, const ControlRequest& request, int pass_fd) {
  struct iovec iov = {const_cast<ControlRequest*>(&request), sizeof(request)};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (pass_fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &pass_fd, sizeof(int));
  }
  ssize_t n;
  do {
    n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof(request))) {
    return absl::ErrnoToStatus(errno, "zygote: sending a request (the zygote died?)");
  }
  return absl::OkStatus();
}

// One request, one reply. Caller holds the mutex.
absl::StatusOr<ControlReply> Transact(int control, const ControlRequest& request,
                                      int pass_fd, int* cred_pid) {
  if (control < 0) return absl::FailedPreconditionError("zygote: not running");
  absl::Status status = SendRequest(control, request, pass_fd);
  if (!status.ok()) return status;
  ControlReply reply;
  status = ReceiveExact(control, &reply, sizeof(reply), cred_pid, "reply");
  if (!status.ok()) return status;
  reply.message[sizeof(reply.message) - 1] = '\0';
  return reply;
}

bool IsExecutable(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string WorkerExit::Describe() const {
  switch (kind) {
    case kExited:
      return absl::StrCat("worker exited with code ", code);
    case kSignaled: {
      if (signal == SIGKILL) return "worker killed: SIGKILL (deadline or limit)";
      if (signal == SIGXCPU) return "worker killed: SIGXCPU (CPU time limit)";
      const char* abbrev = sigabbrev_np(signal);
      if (abbrev == nullptr) return absl::StrCat("worker crashed: signal ", signal);
      return absl::StrCat("worker crashed: SIG", abbrev);
    }
    case kSeccomp:
      if (syscall < 0) {
        return "worker killed by seccomp: unknown syscall (SIGSYS with the "
               "default action)";
      }
      return absl::StrCat("worker killed by seccomp: syscall ",
                          SyscallName(syscall), " (", syscall, ")");
    case kSetupFailed:
      return absl::StrCat("worker setup failed: ", message);
  }
  return "worker ended (unknown kind)";
}

absl::StatusOr<std::unique_ptr<Zygote>> Zygote::Start(
    const ZygoteOptions& options) {
  if (options.worker_path.empty()) {
    return absl::InvalidArgumentError("Zygote::Start: empty worker_path");
  }
  if (!IsExecutable(options.worker_path)) {
    return absl::NotFoundError(absl::StrCat(
        "Zygote::Start: not an executable file: ", options.worker_path));
  }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return absl::ErrnoToStatus(errno, "Zygote::Start: socketpair");
  }
  UniqueFd control(sv[0]);
  UniqueFd zygote_end(sv[1]);
  // The spawn replies name workers in SCM_CREDENTIALS (host_pid).
  int one = 1;
  if (setsockopt(control.get(), SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0) {
    return absl::ErrnoToStatus(errno, "Zygote::Start: SO_PASSCRED");
  }
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    return absl::ErrnoToStatus(errno, "Zygote::Start: pipe2");
  }
  UniqueFd exec_read(exec_pipe[0]);
  UniqueFd exec_write(exec_pipe[1]);

  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls (the broker may be multi-threaded).
  std::vector<std::string> args;
  args.push_back(options.worker_path);
  args.insert(args.end(), options.args.begin(), options.args.end());
  args.push_back("--zygote");
  args.push_back("--control-fd=3");
  if (!options.namespaces) args.push_back("--no-namespaces");
  if (options.address_space_bytes) {
    args.push_back(absl::StrCat("--worker-address-space-bytes=",
                                *options.address_space_bytes));
  }
  if (options.cpu_seconds) {
    args.push_back(absl::StrCat("--worker-cpu-seconds=", *options.cpu_seconds));
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t broker = getpid();
  const pid_t pid = fork();
  if (pid < 0) return absl::ErrnoToStatus(errno, "Zygote::Start: fork");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != broker) _exit(127);
    // Lift both fds clear of 3 before the control socket takes it.
    int report = fcntl(exec_write.get(), F_DUPFD_CLOEXEC, 10);
    int ctl = fcntl(zygote_end.get(), F_DUPFD_CLOEXEC, 10);
    if (report < 0 || ctl < 0 || dup2(ctl, 3) < 0) _exit(127);  // clears CLOEXEC
    execv(argv[0], argv.data());
    int error = errno;
    ssize_t ignored = write(report, &error, sizeof(error));
    (void)ignored;
    _exit(127);
  }
  zygote_end.reset();
  exec_write.reset();

  int exec_error = 0;
  ssize_t n;
  do {
    n = read(exec_read.get(), &exec_error, sizeof(exec_error));
  } while (n < 0 && errno == EINTR);
  if (n == sizeof(exec_error)) {
    ReapWithin(pid, absl::Seconds(1));
    return absl::ErrnoToStatus(
        exec_error, absl::StrCat("Zygote::Start: exec ", options.worker_path));
  }
  ZygoteHello hello;
  absl::Status status =
      ReceiveExact(control.get(), &hello, sizeof(hello), nullptr, "handshake");
  if (status.ok() && hello.magic != internal::kHelloMagic) {
    status = absl::InternalError(absl::StrCat(
        "Zygote::Start: ", options.worker_path,
        " did not answer as a zygote (bad handshake)"));
  }
  if (!status.ok()) {
    control.reset();
    int wait_status = ReapWithin(pid, absl::Seconds(1));
    return absl::Status(status.code(),
                        absl::StrCat(status.message(), "; zygote ",
                                     DescribeWaitStatus(wait_status)));
  }
  return std::unique_ptr<Zygote>(
      new Zygote(std::move(control), pid, hello.namespaces));
}

absl::StatusOr<SpawnedWorker> Zygote::Spawn() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return absl::ErrnoToStatus(errno, "Zygote::Spawn: socketpair");
  }
  UniqueFd ours(sv[0]);
  UniqueFd theirs(sv[1]);
  ControlRequest request;
  request.op = ControlOp::kSpawn;
  int cred_pid = -1;
  absl::StatusOr<ControlReply> reply;
  {
    absl::MutexLock lock(&mu_);
    reply = Transact(control_.get(), request, theirs.get(), &cred_pid);
  }
  if (!reply.ok()) return reply.status();
  if (reply->error != 0) {
    return absl::ErrnoToStatus(reply->error, "Zygote::Spawn");
  }
  if (reply->pid <= 0) {
    return absl::InternalError(
        absl::StrCat("Zygote::Spawn: bad pid ", reply->pid));
  }
  SpawnedWorker worker;
  worker.pid = reply->pid;
  worker.channel = std::move(ours);
  worker.host_pid = (reply->flags & internal::kHostPidInCredentials)
                        ? cred_pid
                        : reply->pid;
  return worker;
}

absl::Status Zygote::Kill(int pid) {
  ControlRequest request;
  request.op = ControlOp::kKill;
  request.pid = pid;
  absl::StatusOr<ControlReply> reply;
  {
    absl::MutexLock lock(&mu_);
    reply = Transact(control_.get(), request, -1, nullptr);
  }
  if (!reply.ok()) return reply.status();
  if (reply->error == ESRCH) {
    return absl::NotFoundError(
        absl::StrCat("Zygote::Kill: no live worker with pid ", pid));
  }
  if (reply->error != 0) {
    return absl::ErrnoToStatus(reply->error, absl::StrCat("Zygote::Kill(", pid, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<WorkerExit> Zygote::Wait(int pid) {
  ControlRequest request;
  request.op = ControlOp::kWait;
  request.pid = pid;
  absl::StatusOr<ControlReply> reply;
  {
    absl::MutexLock lock(&mu_);
    reply = Transact(control_.get(), request, -1, nullptr);
  }
  if (!reply.ok()) return reply.status();
  if (reply->error == ESRCH) {
    return absl::NotFoundError(
        absl::StrCat("Zygote::Wait: no unreaped worker with pid ", pid));
  }
  if (reply->error != 0) {
    return absl::ErrnoToStatus(reply->error, absl::StrCat("Zygote::Wait(", pid, ")"));
  }
  WorkerExit exit;
  switch (reply->kind) {
    case WorkerExit::kExited:
    case WorkerExit::kSignaled:
    case WorkerExit::kSeccomp:
    case WorkerExit::kSetupFailed:
      exit.kind = static_cast<WorkerExit::Kind>(reply->kind);
      break;
    default:
      return absl::InternalError(
          absl::StrCat("Zygote::Wait: bad exit kind ", reply->kind));
  }
  exit.code = reply->code;
  exit.signal = reply->signal;
  exit.syscall = reply->syscall;
  exit.message = reply->message;
  return exit;
}

Zygote::~Zygote() {
  {
    absl::MutexLock lock(&mu_);
    control_.reset();
  }
  // EOF makes the fork server kill its workers and exit, then the zygote.
  ReapWithin(zygote_pid_, absl::Seconds(2));
}

absl::StatusOr<std::string> FindWorkerBinary(absl::string_view relative_path) {
  const std::string relative(relative_path);
  std::vector<std::string> workspaces;
  if (const char* ws = getenv("TEST_WORKSPACE"); ws != nullptr && *ws) {
    workspaces.push_back(ws);
  }
  workspaces.push_back("wasm_plugin_host");
  workspaces.push_back("__main__");

  std::vector<std::string> roots;
  for (const char* env : {"TEST_SRCDIR", "RUNFILES_DIR"}) {
    if (const char* dir = getenv(env); dir != nullptr && *dir) roots.push_back(dir);
  }
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  std::string self = n > 0 ? std::string(exe, static_cast<size_t>(n)) : "";
  if (!self.empty()) roots.push_back(self + ".runfiles");

  std::vector<std::string> tried;
  for (const std::string& root : roots) {
    for (const std::string& ws : workspaces) {
      tried.push_back(absl::StrCat(root, "/", ws, "/", relative));
    }
  }
  if (!self.empty()) {
    // Beside the running binary, by base name.
    const std::string dir = self.substr(0, self.rfind('/'));
    const std::string base = relative.substr(relative.rfind('/') + 1);
    tried.push_back(absl::StrCat(dir, "/", base));
  }
  for (const std::string& path : tried) {
    if (IsExecutable(path)) return path;
  }
  return absl::NotFoundError(absl::StrCat("worker binary ", relative,
                                          " not found; tried: ",
                                          absl::StrJoin(tried, ", ")));
}

}  // namespace wasm::sandbox
