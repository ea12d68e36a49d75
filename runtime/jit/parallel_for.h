// ParallelFor: runs fn(0) .. fn(n - 1) on up to `threads` threads (the caller's
// included), each index exactly once, claimed in increasing order from a
// shared counter, so a thread that finishes early takes the next index.
//
//   ParallelFor(bodies.size(), ResolveThreads(options.threads),
//               [&](size_t i) { results[i] = Compile(i); });
//
// threads <= 1, or n <= 1, runs everything on the calling thread. If a
// thread cannot be started (a process limit, EAGAIN) the others do its share;
// no exception escapes. `fn` must not throw; `stop`, when it returns true,
// makes every thread stop claiming indices (the rest are never run).
//
// ThreadPool: the same loop on threads started once, for a process that may
// not start threads later (a sandboxed worker starts its pool before its
// seccomp policy is installed, and the policy then covers the pool's threads
// too). The pool's threads block every signal but the synchronous ones
// (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS: a blocked one would kill
// with the default action, bypassing the sandbox's SIGSYS reporter), so
// process-directed signals (the interrupt timer's SIGALRM) reach the thread
// running wasm.
#ifndef RUNTIME_JIT_PARALLEL_FOR_H_
#define RUNTIME_JIT_PARALLEL_FOR_H_

#include <signal.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"

namespace wasm {

class ThreadPool {
 public:
  // `helpers` threads besides the caller of ParallelFor (0 is allowed: the
  // caller does everything). Fewer if the system refuses some. Each helper
  // first runs `on_start` (when given), and the constructor returns once all
  // have: e.g. a first malloc, so that the allocator sets up the thread's
  // arena before a sandbox policy forbids what that needs.
  explicit ThreadPool(int helpers, void (*on_start)() = nullptr);
  ~ThreadPool();  // joins the helpers
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int helpers() const { return static_cast<int>(threads_.size()); }
  // As the free function below, with the pool's helpers and the caller. One
  // loop at a time (calls from several threads are serialised).
  void ParallelFor(size_t n, absl::FunctionRef<void(size_t)> fn,
                   absl::FunctionRef<bool()> stop = [] { return false; });
  // Runs `job` on one helper, later, while the caller goes on (a tier-up's
  // background compile); jobs run in order, one per free helper, and a
  // helper inside a job takes no part in ParallelFor loops meanwhile. With
  // no helpers, runs it on the caller now. Jobs not started when the pool is
  // destroyed are dropped; the destructor waits for running ones.
  void Async(std::function<void()> job);

 private:
  struct Loop;
  void HelperMain(void (*on_start)());

  std::mutex loop_mutex_;  // one loop at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  Loop* loop_ = nullptr;   // the running loop, guarded by mutex_
  uint64_t generation_ = 0;
  int busy_ = 0;           // helpers inside the current loop
  int started_ = 0;        // helpers past on_start
  bool exiting_ = false;
  std::deque<std::function<void()>> jobs_;  // Async's, guarded by mutex_
  std::vector<std::thread> threads_;
};

// While it lives, the calling thread blocks every signal but the synchronous
// ones (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS): the mask a compile
// thread started meanwhile inherits (pool helpers, a tier-up's thread), so
// asynchronous signals reach the threads running wasm.
class CompileThreadSignalMask {
 public:
  CompileThreadSignalMask();
  ~CompileThreadSignalMask();
  CompileThreadSignalMask(const CompileThreadSignalMask&) = delete;
  CompileThreadSignalMask& operator=(const CompileThreadSignalMask&) = delete;

 private:
  sigset_t old_;
};

// 0 = one thread per online CPU; otherwise `threads` (at least 1).
int ResolveThreads(int threads);

void ParallelFor(size_t n, int threads, absl::FunctionRef<void(size_t)> fn,
                 absl::FunctionRef<bool()> stop = [] { return false; });

}  // namespace wasm

#endif  // RUNTIME_JIT_PARALLEL_FOR_H_
