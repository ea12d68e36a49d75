// A worker for the sandbox tests: started as a zygote, its WorkerMain reads
// one-byte commands from the channel and performs them after confinement,
// replying with a short text (or dying, which is the point of most commands):
//
//   'h' reply "H" (liveness)              'i' reply getpid() in decimal
//   'o' openat("/etc/passwd")             's' socket(AF_INET, SOCK_STREAM)
//   'f' fork()                            'e' execve("/bin/true")
//   'x' mmap(PROT_WRITE | PROT_EXEC)      'p' mprotect(RW page, W | X)
//   'K' kill(1, SIGKILL) (another pid)    'c' write through a null pointer
//   'k' abort()                           'q' exit with code 3
//   'm' memfd_create + ftruncate + seal + mmap RW, and a RW → R+X
//       mprotect (all allowed): reply "M"
//   'r' read() each fd 4..63: reply "R" if all are EBADF, else "F<fd>"
//   'a' reserve 3 × (8 GiB + 64 KiB) PROT_NONE (allowed by RLIMIT_AS),
//       then 100 GiB (refused): reply "A" when both behave
//   'b' spin on the CPU (for RLIMIT_CPU)
//   'B' block SIGSYS, then openat: the kernel forces SIGSYS's default action
//   'T' the second thread calls openat (see below)
// Other bytes: reply "?". EOF on the channel: exit 0.
//
// Like the real worker (its JIT compile pool), each probe starts a second
// thread before confinement (ConfineOptions::before_confine); it sleeps
// until 'T' asks it to misbehave. The policy must cover it too.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <atomic>
#include <optional>
#include <string>
#include <thread>

#include "sandbox/zygote.h"

namespace {

void Reply(int channel, const std::string& text) {
  ssize_t ignored = send(channel, text.data(), text.size(), MSG_NOSIGNAL);
  (void)ignored;
}

std::string MemfdRoundTrip() {
  int fd = memfd_create("probe", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return "memfd_create failed";
  if (ftruncate(fd, 65536) != 0) return "ftruncate failed";
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) != 0) return "F_ADD_SEALS failed";
  void* p = mmap(nullptr, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return "mmap memfd failed";
  static_cast<volatile char*>(p)[100] = 42;
  munmap(p, 65536);
  close(fd);
  // JIT-style W^X: write the code RW, then flip it to R+X.
  void* code = mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) return "mmap RW failed";
  static_cast<unsigned char*>(code)[0] = 0xc3;  // ret
  if (mprotect(code, 4096, PROT_READ | PROT_EXEC) != 0) return "mprotect RX failed";
  reinterpret_cast<void (*)()>(code)();
  munmap(code, 4096);
  return "M";
}

std::string ReserveAddressSpace() {
  constexpr size_t kReservation = (size_t{1} << 33) + 65536;
  void* reservations[3];
  for (void*& r : reservations) {
    r = mmap(nullptr, kReservation, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED) return "reservation failed";
  }
  void* huge = mmap(nullptr, size_t{100} << 30, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  for (void* r : reservations) munmap(r, kReservation);
  if (huge != MAP_FAILED) return "100 GiB reservation succeeded";
  return "A";
}

std::atomic<bool> g_thread_opens{false};
std::atomic<bool> g_thread_running{false};

void StartSecondThread() {
  std::thread([] {
    sigset_t sigsys;
    sigemptyset(&sigsys);
    sigaddset(&sigsys, SIGSYS);
    pthread_sigmask(SIG_UNBLOCK, &sigsys, nullptr);
    g_thread_running.store(true);
    for (;;) {
      if (g_thread_opens.load()) openat(AT_FDCWD, "/etc/passwd", O_RDONLY);
      usleep(1000);
    }
  }).detach();
  // glibc's thread start-up (set_robust_list, rseq) must be over before the
  // policy is installed: it refuses those.
  while (!g_thread_running.load()) usleep(100);
}

int ProbeMain(int channel) {
  for (;;) {
    char command = 0;
    ssize_t n = recv(channel, &command, 1, 0);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    switch (command) {
      case 'h':
        Reply(channel, "H");
        break;
      case 'i':
        Reply(channel, std::to_string(getpid()));
        break;
      case 'o':
        openat(AT_FDCWD, "/etc/passwd", O_RDONLY);
        Reply(channel, "open returned");
        break;
      case 's':
        socket(AF_INET, SOCK_STREAM, 0);
        Reply(channel, "socket returned");
        break;
      case 'f':
        if (fork() == 0) _exit(0);
        Reply(channel, "fork returned");
        break;
      case 'e': {
        char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
        execve("/bin/true", argv, nullptr);
        Reply(channel, "execve returned");
        break;
      }
      case 'x':
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        Reply(channel, "mmap returned");
        break;
      case 'p': {
        void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        mprotect(p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
        Reply(channel, "mprotect returned");
        break;
      }
      case 'K':
        kill(1, SIGKILL);
        Reply(channel, "kill returned");
        break;
      case 'c':
        *static_cast<volatile int*>(nullptr) = 1;
        break;
      case 'k':
        abort();
      case 'q':
        return 3;
      case 'm':
        Reply(channel, MemfdRoundTrip());
        break;
      case 'r': {
        std::string result = "R";
        for (int fd = 4; fd < 64; ++fd) {
          char byte;
          if (read(fd, &byte, 1) >= 0 || errno != EBADF) {
            result = "F" + std::to_string(fd);
            break;
          }
        }
        Reply(channel, result);
        break;
      }
      case 'B': {
        sigset_t sigsys;
        sigemptyset(&sigsys);
        sigaddset(&sigsys, SIGSYS);
        sigprocmask(SIG_BLOCK, &sigsys, nullptr);
        openat(AT_FDCWD, "/etc/passwd", O_RDONLY);
        Reply(channel, "open returned");
        break;
      }
      case 'T':
        g_thread_opens.store(true);
        for (;;) usleep(1000);  // until the thread's violation ends the process
      case 'a':
        Reply(channel, ReserveAddressSpace());
        break;
      case 'b':
        for (uint64_t i = 0;; ++i) {
          asm volatile("" : "+r"(i));  // keep the loop
        }
      default:
        Reply(channel, "?");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  wasm::sandbox::ConfineOptions confine;
  confine.before_confine = &StartSecondThread;
  std::optional<int> code =
      wasm::sandbox::MaybeRunZygote(argc, argv, &ProbeMain, confine);
  if (code) return *code;
  fprintf(stderr, "usage: %s --zygote --control-fd=N [--no-namespaces]\n",
          argv[0]);
  return 2;
}
