// The worker policy, two ways: the compiled BPF program evaluated against
// crafted seccomp_data (every argument check, both sides of each), and
// ConfineWorker in a real forked child (fds, rlimits, seccomp status, and the
// SIGSYS report record).
#include "sandbox/policy.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sandbox/confine.h"
#include "sandbox/report.h"

namespace wasm::sandbox {
namespace {

// A classic-BPF interpreter for what libseccomp emits.
class BpfEvaluator {
 public:
  explicit BpfEvaluator(std::vector<sock_filter> program)
      : program_(std::move(program)) {}

  // The filter's return value for `data`; ADD_FAILURE on anything odd.
  uint32_t Run(const seccomp_data& data) const {
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
    const uint8_t* bytes = reinterpret_cast<const uint8_t*>(&data);
    for (size_t pc = 0; pc < program_.size(); ++pc) {
      const sock_filter& in = program_[pc];
      const uint32_t src = BPF_SRC(in.code) == BPF_X ? x : in.k;
      switch (BPF_CLASS(in.code)) {
        case BPF_LD:
          if (BPF_MODE(in.code) == BPF_ABS && BPF_SIZE(in.code) == BPF_W &&
              in.k + 4 <= sizeof(data)) {
            memcpy(&a, bytes + in.k, 4);
          } else if (BPF_MODE(in.code) == BPF_IMM) {
            a = in.k;
          } else if (BPF_MODE(in.code) == BPF_MEM && in.k < BPF_MEMWORDS) {
            a = mem[in.k];
          } else {
            ADD_FAILURE() << "unsupported load " << in.code;
            return 0;
          }
          break;
        case BPF_LDX:
          if (BPF_MODE(in.code) == BPF_IMM) {
            x = in.k;
          } else if (BPF_MODE(in.code) == BPF_MEM && in.k < BPF_MEMWORDS) {
            x = mem[in.k];
          } else {
            ADD_FAILURE() << "unsupported ldx " << in.code;
            return 0;
          }
          break;
        case BPF_ST:
          mem[in.k % BPF_MEMWORDS] = a;
          break;
        case BPF_STX:
          mem[in.k % BPF_MEMWORDS] = x;
          break;
        case BPF_ALU:
          switch (BPF_OP(in.code)) {
            case BPF_ADD: a += src; break;
            case BPF_SUB: a -= src; break;
            case BPF_AND: a &= src; break;
            case BPF_OR: a |= src; break;
            case BPF_XOR: a ^= src; break;
            case BPF_LSH: a <<= src; break;
            case BPF_RSH: a >>= src; break;
            case BPF_NEG: a = -a; break;
            default:
              ADD_FAILURE() << "unsupported alu " << in.code;
              return 0;
          }
          break;
        case BPF_JMP: {
          if (BPF_OP(in.code) == BPF_JA) {
            pc += in.k;
            break;
          }
          bool taken = false;
          switch (BPF_OP(in.code)) {
            case BPF_JEQ: taken = a == src; break;
            case BPF_JGT: taken = a > src; break;
            case BPF_JGE: taken = a >= src; break;
            case BPF_JSET: taken = (a & src) != 0; break;
            default:
              ADD_FAILURE() << "unsupported jmp " << in.code;
              return 0;
          }
          pc += taken ? in.jt : in.jf;
          break;
        }
        case BPF_RET:
          return BPF_RVAL(in.code) == BPF_A ? a : in.k;
        case BPF_MISC:
          if (BPF_MISCOP(in.code) == BPF_TAX) {
            x = a;
          } else {
            a = x;
          }
          break;
      }
    }
    ADD_FAILURE() << "fell off the end of the program";
    return 0;
  }

 private:
  std::vector<sock_filter> program_;
};

constexpr int kSelf = 7;  // the worker's pid in these evaluations

class PolicyFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<sock_filter>> program =
        CompileWorkerPolicy(PolicyOptions{}, kSelf);
    ASSERT_TRUE(program.ok()) << program.status();
    ASSERT_FALSE(program->empty());
    evaluator_ = std::make_unique<BpfEvaluator>(std::move(*program));
  }

  uint32_t Eval(int nr, std::vector<uint64_t> args = {},
                uint32_t arch = AUDIT_ARCH_X86_64) {
    seccomp_data data = {};
    data.nr = nr;
    data.arch = arch;
    for (size_t i = 0; i < args.size() && i < 6; ++i) data.args[i] = args[i];
    return evaluator_->Run(data);
  }
  bool Allowed(int nr, std::vector<uint64_t> args = {}) {
    return Eval(nr, std::move(args)) == SECCOMP_RET_ALLOW;
  }
  bool Trapped(int nr, std::vector<uint64_t> args = {}) {
    return (Eval(nr, std::move(args)) & SECCOMP_RET_ACTION_FULL) ==
           SECCOMP_RET_TRAP;
  }

  std::unique_ptr<BpfEvaluator> evaluator_;
};

TEST_F(PolicyFilterTest, ChannelIoAndMemoryAllowed) {
  for (int nr : {SYS_read, SYS_write, SYS_recvmsg, SYS_sendmsg, SYS_close,
                 SYS_munmap, SYS_brk, SYS_memfd_create, SYS_ftruncate,
                 SYS_futex, SYS_exit_group, SYS_getpid, SYS_clock_gettime}) {
    EXPECT_TRUE(Allowed(nr)) << SyscallName(nr);
  }
}

TEST_F(PolicyFilterTest, CapabilitySyscallsTrap) {
  for (int nr : {SYS_open, SYS_openat, SYS_openat2, SYS_creat, SYS_execve,
                 SYS_execveat, SYS_socket, SYS_socketpair, SYS_connect,
                 SYS_bind, SYS_fork, SYS_vfork, SYS_clone, SYS_clone3,
                 SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev,
                 SYS_mount, SYS_unshare, SYS_setns, SYS_chdir, SYS_prctl,
                 SYS_pkey_mprotect}) {
    EXPECT_TRUE(Trapped(nr)) << SyscallName(nr);
  }
}

TEST_F(PolicyFilterTest, WriteXorExecute) {
  for (int nr : {SYS_mmap, SYS_mprotect}) {
    EXPECT_TRUE(Allowed(nr, {0, 4096, PROT_NONE})) << SyscallName(nr);
    EXPECT_TRUE(Allowed(nr, {0, 4096, PROT_READ | PROT_WRITE}));
    EXPECT_TRUE(Allowed(nr, {0, 4096, PROT_READ | PROT_EXEC}));
    EXPECT_TRUE(Trapped(nr, {0, 4096, PROT_WRITE | PROT_EXEC}));
    EXPECT_TRUE(Trapped(nr, {0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC}));
  }
}

TEST_F(PolicyFilterTest, SignalsOnlyToSelf) {
  EXPECT_TRUE(Allowed(SYS_kill, {kSelf, SIGABRT}));
  EXPECT_TRUE(Trapped(SYS_kill, {1, SIGKILL}));
  EXPECT_TRUE(Trapped(SYS_kill, {0, SIGKILL}));  // process group
  EXPECT_TRUE(Trapped(SYS_kill, {uint64_t{kSelf} | (uint64_t{1} << 32), 9}));
  EXPECT_TRUE(Allowed(SYS_tgkill, {kSelf, kSelf, SIGABRT}));
  EXPECT_TRUE(Trapped(SYS_tgkill, {kSelf, 1, SIGABRT}));
  EXPECT_TRUE(Trapped(SYS_tgkill, {1, 1, SIGABRT}));
  EXPECT_TRUE(Trapped(SYS_tkill, {kSelf, SIGABRT}));
}

TEST_F(PolicyFilterTest, SigsysHandlerCannotBeReplaced) {
  EXPECT_TRUE(Allowed(SYS_rt_sigaction, {SIGSEGV}));
  EXPECT_TRUE(Allowed(SYS_rt_sigaction, {SIGBUS}));
  EXPECT_TRUE(Allowed(SYS_rt_sigaction, {32}));
  EXPECT_TRUE(Allowed(SYS_rt_sigaction, {64}));
  EXPECT_TRUE(Trapped(SYS_rt_sigaction, {SIGSYS}));
  EXPECT_TRUE(Trapped(SYS_rt_sigaction, {uint64_t{SIGSYS} | (uint64_t{1} << 32)}));
  EXPECT_TRUE(Trapped(SYS_rt_sigaction, {65}));
}

TEST_F(PolicyFilterTest, FcntlCommandsRestricted) {
  for (int cmd : {F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_GET_SEALS,
                  F_ADD_SEALS, F_DUPFD_CLOEXEC}) {
    EXPECT_TRUE(Allowed(SYS_fcntl, {3, static_cast<uint64_t>(cmd)})) << cmd;
  }
  for (int cmd : {F_DUPFD, F_SETLK, F_SETOWN, F_SETSIG, F_SETLEASE}) {
    EXPECT_TRUE(Trapped(SYS_fcntl, {3, static_cast<uint64_t>(cmd)})) << cmd;
  }
}

TEST_F(PolicyFilterTest, StatOnlyOfHeldDescriptors) {
  EXPECT_TRUE(Allowed(SYS_fstat, {3}));
  EXPECT_TRUE(Allowed(SYS_newfstatat, {3, 0, 0, AT_EMPTY_PATH}));
  EXPECT_TRUE(Trapped(SYS_newfstatat, {static_cast<uint64_t>(AT_FDCWD), 0, 0, 0}));
  EXPECT_TRUE(Trapped(SYS_stat));
}

TEST_F(PolicyFilterTest, ForeignAbiKillsTheProcess) {
  EXPECT_EQ(Eval(3 /* i386 read */, {}, AUDIT_ARCH_I386),
            SECCOMP_RET_KILL_PROCESS);
  // x32 syscall numbers (bit 30) are not the x86-64 ones.
  EXPECT_NE(Eval(0x40000000 | SYS_read), SECCOMP_RET_ALLOW);
}

TEST(SyscallNameTest, NamesAndNumbers) {
  EXPECT_EQ(SyscallName(257), "openat");
  EXPECT_EQ(SyscallName(SYS_execve), "execve");
  EXPECT_EQ(SyscallName(SYS_clone), "clone");
  EXPECT_EQ(SyscallName(100000), "syscall 100000");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// ConfineWorker in a real child: it reports its descriptor check on the
// channel, the parent inspects /proc, then asks for an openat and expects
// the SIGSYS record on the report pipe.
TEST(ConfineWorkerTest, ConfinesAForkedChild) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  int report[2];
  ASSERT_EQ(pipe2(report, O_CLOEXEC | O_NONBLOCK), 0);
  // Stray descriptors the child must lose.
  int stray = open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  ASSERT_GE(stray, 0);
  ASSERT_GE(dup2(stray, 40), 0);

  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(sv[0]);
    close(report[0]);
    ConfineOptions options;
    options.channel_fd = sv[1];
    options.report_fd = report[1];
    options.address_space_bytes = uint64_t{48} << 30;
    options.cpu_seconds = 30;
    absl::StatusOr<int> channel = ConfineWorker(options);
    if (!channel.ok() || *channel != kChannelFd) _exit(10);
    std::string result = "ok";
    for (int fd = 5; fd < 64; ++fd) {
      char byte;
      if (read(fd, &byte, 1) >= 0 || errno != EBADF) {
        result = absl::StrCat("fd ", fd, " open");
        break;
      }
    }
    char byte;
    if (read(0, &byte, 1) != 0) result = "fd 0 is not /dev/null";
    send(kChannelFd, result.data(), result.size(), 0);
    if (recv(kChannelFd, &byte, 1, 0) != 1) _exit(11);
    syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
    _exit(12);  // unreachable if the policy holds
  }
  close(sv[1]);
  close(report[1]);
  close(stray);
  close(40);

  char buffer[64] = {};
  ssize_t n = recv(sv[0], buffer, sizeof(buffer) - 1, 0);
  ASSERT_GT(n, 0);
  EXPECT_STREQ(buffer, "ok");

  const std::string proc = absl::StrCat("/proc/", pid, "/");
  std::string status = ReadFile(proc + "status");
  EXPECT_THAT(status, ::testing::HasSubstr("NoNewPrivs:\t1"));
  EXPECT_THAT(status, ::testing::HasSubstr("Seccomp:\t2"));
  std::string limits = ReadFile(proc + "limits");
  EXPECT_THAT(limits, ::testing::ContainsRegex(
                          "Max core file size +0 +0 "));
  EXPECT_THAT(limits, ::testing::ContainsRegex(
                          "Max address space +51539607552 +51539607552 "));
  EXPECT_THAT(limits, ::testing::ContainsRegex("Max open files +64 +64 "));
  EXPECT_THAT(limits, ::testing::ContainsRegex("Max cpu time +30 +31 "));
  EXPECT_THAT(limits, ::testing::ContainsRegex(
                          "Max file size +4294967296 +4294967296 "));
  EXPECT_THAT(limits, ::testing::ContainsRegex("Max processes +0 +0 "));

  ASSERT_EQ(send(sv[0], "o", 1, 0), 1);
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
  ASSERT_TRUE(WIFEXITED(wait_status)) << wait_status;
  EXPECT_EQ(WEXITSTATUS(wait_status), kReportExitCode);
  ReportRecord record;
  ASSERT_EQ(read(report[0], &record, sizeof(record)),
            static_cast<ssize_t>(sizeof(record)));
  EXPECT_EQ(record.magic, kReportMagic);
  EXPECT_EQ(record.type, ReportType::kSeccompViolation);
  EXPECT_EQ(record.value, SYS_openat);
  EXPECT_EQ(record.arch, AUDIT_ARCH_X86_64);
  close(sv[0]);
  close(report[0]);
}

TEST(ConfineWorkerTest, RejectsAClosedChannel) {
  ConfineOptions options;
  options.channel_fd = 1000;
  absl::StatusOr<int> channel = ConfineWorker(options);
  ASSERT_FALSE(channel.ok());
  EXPECT_THAT(std::string(channel.status().message()),
              ::testing::HasSubstr("channel fd 1000 is not open"));
}

}  // namespace
}  // namespace wasm::sandbox
