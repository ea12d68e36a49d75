// The zygote end to end: real probe workers (testing/probe_worker.cc) forked
// by a real zygote, confined, and killed or kept alive by what they do.
#include "sandbox/zygote.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sandbox/policy.h"

namespace wasm::sandbox {
namespace {

using ::testing::HasSubstr;

std::string ProbePath() {
  absl::StatusOr<std::string> path =
      FindWorkerBinary("sandbox/testing/probe_worker");
  return path.ok() ? *path : "";
}

// Sends a one-byte command and returns the reply; "<eof>" when the worker
// closed the channel (died); "<timeout>" after 10 s.
std::string Command(const UniqueFd& channel, char command) {
  if (send(channel.get(), &command, 1, MSG_NOSIGNAL) != 1) return "<eof>";
  struct pollfd p = {channel.get(), POLLIN, 0};
  if (poll(&p, 1, 10000) != 1) return "<timeout>";
  char buffer[256];
  ssize_t n = recv(channel.get(), buffer, sizeof(buffer), 0);
  if (n <= 0) return "<eof>";
  return std::string(buffer, static_cast<size_t>(n));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ZygoteTest : public ::testing::Test {
 protected:
  void SetUp() override { StartZygote(ZygoteOptions()); }

  void StartZygote(ZygoteOptions options) {
    zygote_.reset();
    options.worker_path = ProbePath();
    ASSERT_FALSE(options.worker_path.empty())
        << FindWorkerBinary("sandbox/testing/probe_worker").status();
    absl::StatusOr<std::unique_ptr<Zygote>> zygote = Zygote::Start(options);
    ASSERT_TRUE(zygote.ok()) << zygote.status();
    zygote_ = std::move(*zygote);
  }

  SpawnedWorker Spawn() {
    absl::StatusOr<SpawnedWorker> worker = zygote_->Spawn();
    EXPECT_TRUE(worker.ok()) << worker.status();
    if (!worker.ok()) return SpawnedWorker();
    return std::move(*worker);
  }

  WorkerExit Wait(int pid) {
    absl::StatusOr<WorkerExit> exit = zygote_->Wait(pid);
    EXPECT_TRUE(exit.ok()) << exit.status();
    return exit.ok() ? *exit : WorkerExit();
  }

  // Spawns a worker, checks it is alive, sends `command`, expects the
  // worker to die, and returns how.
  WorkerExit DieOf(char command) {
    SpawnedWorker worker = Spawn();
    EXPECT_EQ(Command(worker.channel, 'h'), "H");
    EXPECT_EQ(Command(worker.channel, command), "<eof>") << command;
    return Wait(worker.pid);
  }

  std::unique_ptr<Zygote> zygote_;
};

TEST_F(ZygoteTest, WorkerAnswersAndExitsCleanly) {
  SpawnedWorker worker = Spawn();
  ASSERT_TRUE(worker.channel.valid());
  EXPECT_EQ(Command(worker.channel, 'h'), "H");
  EXPECT_EQ(Command(worker.channel, 'z'), "?");
  worker.channel.reset();  // EOF: the probe returns 0
  WorkerExit exit = Wait(worker.pid);
  EXPECT_EQ(exit.kind, WorkerExit::kExited);
  EXPECT_EQ(exit.Describe(), "worker exited with code 0");
}

TEST_F(ZygoteTest, ExitCodeIsReported) {
  WorkerExit exit = DieOf('q');
  EXPECT_EQ(exit.kind, WorkerExit::kExited);
  EXPECT_EQ(exit.code, 3);
  EXPECT_EQ(exit.Describe(), "worker exited with code 3");
}

struct Forbidden {
  char command;
  int nr;
  const char* name;
};

TEST_F(ZygoteTest, ForbiddenSyscallsAreKilledAndNamed) {
  const Forbidden cases[] = {
      {'o', SYS_openat, "openat"}, {'s', SYS_socket, "socket"},
      {'f', SYS_clone, "clone"},   {'e', SYS_execve, "execve"},
      {'x', SYS_mmap, "mmap"},     {'p', SYS_mprotect, "mprotect"},
      {'K', SYS_kill, "kill"},
  };
  for (const Forbidden& c : cases) {
    SCOPED_TRACE(c.command);
    WorkerExit exit = DieOf(c.command);
    EXPECT_EQ(exit.kind, WorkerExit::kSeccomp);
    EXPECT_EQ(exit.syscall, c.nr);
    EXPECT_EQ(exit.Describe(), absl::StrCat("worker killed by seccomp: syscall ",
                                            c.name, " (", c.nr, ")"));
  }
  EXPECT_EQ(SyscallName(SYS_openat), "openat");
  EXPECT_EQ(DieOf('o').Describe(),
            "worker killed by seccomp: syscall openat (257)");
}

// The probe, like the real worker, starts a thread before it is confined
// (ConfineOptions::before_confine): the policy covers that thread too (TSYNC),
// and its violation is reported like the main thread's.
TEST_F(ZygoteTest, ThreadsStartedBeforeConfinementAreConfinedToo) {
  EXPECT_EQ(DieOf('T').Describe(), "worker killed by seccomp: syscall openat (257)");
  SpawnedWorker worker = Spawn();
  if (worker.host_pid <= 0) GTEST_SKIP() << "no host pid for the worker (no pid namespace)";
  EXPECT_EQ(Command(worker.channel, 'h'), "H");
  const std::string tasks = absl::StrCat("/proc/", worker.host_pid, "/task");
  int threads = 0;
  for (const auto& entry : std::filesystem::directory_iterator(tasks)) {
    ++threads;
    EXPECT_THAT(ReadFile(entry.path().string() + "/status"), HasSubstr("Seccomp:\t2"))
        << entry.path();
  }
  EXPECT_EQ(threads, 2);
}

TEST_F(ZygoteTest, SigsysWithTheDefaultActionIsSeccompWithUnknownSyscall) {
  WorkerExit exit = DieOf('B');  // SIGSYS blocked: no handler runs
  EXPECT_EQ(exit.kind, WorkerExit::kSeccomp);
  EXPECT_EQ(exit.syscall, -1);
  EXPECT_EQ(exit.Describe(),
            "worker killed by seccomp: unknown syscall (SIGSYS with the "
            "default action)");
}

TEST_F(ZygoteTest, AllowedOperationsSucceed) {
  SpawnedWorker worker = Spawn();
  EXPECT_EQ(Command(worker.channel, 'm'), "M");  // memfd + W^X code
  EXPECT_EQ(Command(worker.channel, 'r'), "R");  // fds 4..63 closed
  EXPECT_EQ(Command(worker.channel, 'a'), "A");  // RLIMIT_AS: 3 memories fit
  EXPECT_EQ(Command(worker.channel, 'h'), "H");  // still alive
  ASSERT_TRUE(zygote_->Kill(worker.pid).ok());
  Wait(worker.pid);
}

TEST_F(ZygoteTest, CrashIsReportedWithItsSignal) {
  WorkerExit crash = DieOf('c');
  EXPECT_EQ(crash.kind, WorkerExit::kSignaled);
  EXPECT_EQ(crash.signal, SIGSEGV);
  EXPECT_EQ(crash.Describe(), "worker crashed: SIGSEGV");
  // abort() signals the worker itself: tgkill to self is allowed.
  WorkerExit abort = DieOf('k');
  EXPECT_EQ(abort.signal, SIGABRT);
  EXPECT_EQ(abort.Describe(), "worker crashed: SIGABRT");
}

TEST_F(ZygoteTest, CrashDoesNotDisturbAnotherWorker) {
  SpawnedWorker survivor = Spawn();
  SpawnedWorker victim = Spawn();
  EXPECT_NE(survivor.pid, victim.pid);
  EXPECT_EQ(Command(survivor.channel, 'h'), "H");
  EXPECT_EQ(Command(victim.channel, 'c'), "<eof>");
  EXPECT_EQ(Wait(victim.pid).Describe(), "worker crashed: SIGSEGV");
  EXPECT_EQ(Command(victim.channel, 'o'), "<eof>");
  EXPECT_EQ(Command(survivor.channel, 'h'), "H");
  // And the zygote still spawns.
  SpawnedWorker next = Spawn();
  EXPECT_EQ(Command(next.channel, 'h'), "H");
}

TEST_F(ZygoteTest, KillAndWait) {
  SpawnedWorker worker = Spawn();
  EXPECT_EQ(Command(worker.channel, 'h'), "H");
  ASSERT_TRUE(zygote_->Kill(worker.pid).ok());
  EXPECT_EQ(Command(worker.channel, 'h'), "<eof>");
  WorkerExit exit = Wait(worker.pid);
  EXPECT_EQ(exit.kind, WorkerExit::kSignaled);
  EXPECT_EQ(exit.Describe(), "worker killed: SIGKILL (deadline or limit)");
  // Reaped: no longer known.
  EXPECT_EQ(zygote_->Kill(worker.pid).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(zygote_->Wait(worker.pid).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(zygote_->Kill(999999).code(), absl::StatusCode::kNotFound);
}

TEST_F(ZygoteTest, WaitOnALiveWorkerKillsItAfterTheGrace) {
  SpawnedWorker worker = Spawn();
  EXPECT_EQ(Command(worker.channel, 'h'), "H");
  WorkerExit exit = Wait(worker.pid);  // the worker never exits by itself
  EXPECT_EQ(exit.signal, SIGKILL);
  EXPECT_THAT(exit.message, HasSubstr("grace"));
}

TEST_F(ZygoteTest, CpuLimitKillsASpinningWorker) {
  ZygoteOptions options;
  options.cpu_seconds = 1;
  StartZygote(options);
  WorkerExit exit = DieOf('b');
  EXPECT_EQ(exit.kind, WorkerExit::kSignaled);
  EXPECT_EQ(exit.Describe(), "worker killed: SIGXCPU (CPU time limit)");
}

TEST_F(ZygoteTest, WorkersLiveInTheirOwnNamespaces) {
  const uint32_t namespaces = zygote_->namespaces();
  std::cerr << "namespaces obtained: " << NamespaceNames(namespaces) << "\n";
  if (namespaces == 0) GTEST_SKIP() << "the kernel granted no namespace";
  SpawnedWorker worker = Spawn();
  ASSERT_GT(worker.host_pid, 0);
  EXPECT_EQ(Command(worker.channel, 'h'), "H");
  const std::string proc = absl::StrCat("/proc/", worker.host_pid, "/");
  // host_pid is the same process: its NSpid ends with the zygote's pid.
  std::string status = ReadFile(proc + "status");
  EXPECT_THAT(status, HasSubstr("Seccomp:\t2"));
  const struct {
    uint32_t bit;
    const char* name;
  } kNamespaces[] = {{kUserNamespace, "user"},
                     {kPidNamespace, "pid"},
                     {kNetNamespace, "net"},
                     {kIpcNamespace, "ipc"}};
  for (const auto& ns : kNamespaces) {
    if (!(namespaces & ns.bit)) continue;
    char ours[128] = {}, theirs[128] = {};
    ASSERT_GT(readlink(absl::StrCat("/proc/self/ns/", ns.name).c_str(), ours,
                       sizeof(ours) - 1), 0);
    ASSERT_GT(readlink((proc + "ns/" + ns.name).c_str(), theirs,
                       sizeof(theirs) - 1), 0)
        << ns.name << ": " << strerror(errno);
    EXPECT_STRNE(ours, theirs) << ns.name;
  }
  if (namespaces & kPidNamespace) {
    // The fork server is PID 1; the worker sees the pid the zygote gave us.
    EXPECT_EQ(Command(worker.channel, 'i'), absl::StrCat(worker.pid));
    EXPECT_LT(worker.pid, 100);
    EXPECT_NE(worker.pid, worker.host_pid);
    EXPECT_THAT(status, ::testing::ContainsRegex(absl::StrCat(
                            "NSpid:\t", worker.host_pid, "\t", worker.pid, "\n")));
  }
  if (namespaces & kNetNamespace) {
    // /proc/<pid>/net/dev lists the worker's interfaces: loopback only.
    std::string dev = ReadFile(proc + "net/dev");
    std::vector<std::string> interfaces;
    for (absl::string_view line : absl::StrSplit(dev, '\n')) {
      size_t colon = line.find(':');
      if (colon == absl::string_view::npos) continue;
      interfaces.emplace_back(absl::StripAsciiWhitespace(line.substr(0, colon)));
    }
    EXPECT_THAT(interfaces, ::testing::ElementsAre("lo"));
  }
  if (namespaces & kUserNamespace) {
    EXPECT_THAT(ReadFile(proc + "uid_map"),
                ::testing::ContainsRegex(absl::StrCat("^ +0 +", getuid(), " +1")));
  }
}

TEST_F(ZygoteTest, WithoutNamespacesPidsAreTheBrokers) {
  ZygoteOptions options;
  options.namespaces = false;
  StartZygote(options);
  EXPECT_EQ(zygote_->namespaces(), 0u);
  SpawnedWorker worker = Spawn();
  EXPECT_EQ(worker.host_pid, worker.pid);
  EXPECT_EQ(Command(worker.channel, 'i'), absl::StrCat(worker.pid));
  EXPECT_EQ(Command(worker.channel, 'o'), "<eof>");
  EXPECT_EQ(Wait(worker.pid).Describe(),
            "worker killed by seccomp: syscall openat (257)");
}

TEST_F(ZygoteTest, DestroyingTheZygoteKillsItsWorkers) {
  SpawnedWorker worker = Spawn();
  EXPECT_EQ(Command(worker.channel, 'h'), "H");
  zygote_.reset();
  struct pollfd p = {worker.channel.get(), POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 5000), 1);
  char byte;
  EXPECT_EQ(recv(worker.channel.get(), &byte, 1, 0), 0);  // EOF: it is dead
}

TEST_F(ZygoteTest, ADeadZygoteIsAnErrorNotACrash) {
  SpawnedWorker worker = Spawn();
  EXPECT_EQ(Command(worker.channel, 'h'), "H");
  ASSERT_EQ(kill(zygote_->zygote_pid(), SIGKILL), 0);
  // Its fork server and workers die with it (parent-death signals, pid 1).
  struct pollfd p = {worker.channel.get(), POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 5000), 1);
  absl::StatusOr<SpawnedWorker> spawned = zygote_->Spawn();
  ASSERT_FALSE(spawned.ok());
  EXPECT_THAT(std::string(spawned.status().message()), HasSubstr("zygote"));
  EXPECT_FALSE(zygote_->Wait(worker.pid).ok());
  EXPECT_FALSE(zygote_->Kill(worker.pid).ok());
  zygote_.reset();  // and the destructor copes
}

TEST(ZygoteStartTest, ReportsBadWorkerBinaries) {
  ZygoteOptions missing;
  missing.worker_path = "/nonexistent/worker";
  absl::StatusOr<std::unique_ptr<Zygote>> zygote = Zygote::Start(missing);
  EXPECT_EQ(zygote.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(zygote.status().message()),
              HasSubstr("/nonexistent/worker"));

  ZygoteOptions not_a_zygote;
  not_a_zygote.worker_path = "/bin/true";
  zygote = Zygote::Start(not_a_zygote);
  ASSERT_FALSE(zygote.ok());
  EXPECT_THAT(std::string(zygote.status().message()), HasSubstr("handshake"));
  EXPECT_THAT(std::string(zygote.status().message()), HasSubstr("exit code 0"));
}

TEST(FindWorkerBinaryTest, FindsTheProbeAndExplainsMisses) {
  absl::StatusOr<std::string> path =
      FindWorkerBinary("sandbox/testing/probe_worker");
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(access(path->c_str(), X_OK), 0);
  absl::StatusOr<std::string> missing = FindWorkerBinary("sandbox/no_such");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("tried"));
}

TEST(WorkerExitTest, Describe) {
  WorkerExit exit;
  exit.kind = WorkerExit::kSeccomp;
  exit.syscall = -1;
  EXPECT_THAT(exit.Describe(), HasSubstr("unknown syscall"));
  exit.kind = WorkerExit::kSignaled;
  exit.signal = SIGBUS;
  EXPECT_EQ(exit.Describe(), "worker crashed: SIGBUS");
  exit.kind = WorkerExit::kSetupFailed;
  exit.message = "setrlimit(AS): Operation not permitted";
  EXPECT_EQ(exit.Describe(),
            "worker setup failed: setrlimit(AS): Operation not permitted");
}

}  // namespace
}  // namespace wasm::sandbox
