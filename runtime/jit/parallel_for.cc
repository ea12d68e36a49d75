#include "runtime/jit/parallel_for.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace wasm {
namespace {

// fn(0) .. fn(n - 1), each index claimed once from the shared counter by
// whichever thread calls Work next.
struct ClaimLoop {
  size_t n;
  absl::FunctionRef<void(size_t)> fn;
  absl::FunctionRef<bool()> stop;
  std::atomic<size_t> next{0};

  void Work() {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      if (stop()) return;
      fn(i);
    }
  }
};

}  // namespace

int ResolveThreads(int threads) {
  if (threads > 0) return threads;
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return cpus > 0 ? static_cast<int>(std::min<long>(cpus, 64)) : 1;
}

void ParallelFor(size_t n, int threads, absl::FunctionRef<void(size_t)> fn,
                 absl::FunctionRef<bool()> stop) {
  ClaimLoop loop{n, fn, stop};
  auto work = [&] { loop.Work(); };
  const size_t extra = threads > 1 ? std::min<size_t>(threads - 1, n > 0 ? n - 1 : 0) : 0;
  std::vector<std::thread> helpers;
  helpers.reserve(extra);
  for (size_t t = 0; t < extra; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // the threads we have do the rest
    }
  }
  work();
  for (std::thread& t : helpers) t.join();
}

struct ThreadPool::Loop : ClaimLoop {};

CompileThreadSignalMask::CompileThreadSignalMask() {
  sigset_t mask;
  sigfillset(&mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS}) sigdelset(&mask, sig);
  pthread_sigmask(SIG_SETMASK, &mask, &old_);
}

CompileThreadSignalMask::~CompileThreadSignalMask() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

ThreadPool::ThreadPool(int helpers, void (*on_start)()) {
  {
    const CompileThreadSignalMask mask;  // the helpers start with it, and keep it
    threads_.reserve(helpers > 0 ? helpers : 0);
    for (int t = 0; t < helpers; ++t) {
      try {
        threads_.emplace_back([this, on_start] { HelperMain(on_start); });
      } catch (const std::system_error&) {
        break;
      }
    }
  }
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return started_ == static_cast<int>(threads_.size()); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    exiting_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ThreadPool::HelperMain(void (*on_start)()) {
  if (on_start != nullptr) on_start();
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  ++started_;
  done_.notify_all();
  for (;;) {
    wake_.wait(lock, [&] { return exiting_ || generation_ != seen || !jobs_.empty(); });
    if (exiting_) return;
    if (generation_ == seen) {  // no new loop: a job
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      job = nullptr;  // (what it holds goes before the lock is taken)
      lock.lock();
      continue;
    }
    seen = generation_;
    Loop* loop = loop_;
    if (loop == nullptr) continue;  // woke after that loop ended
    ++busy_;
    lock.unlock();
    loop->Work();
    lock.lock();
    if (--busy_ == 0) done_.notify_all();
  }
}

void ThreadPool::Async(std::function<void()> job) {
  if (threads_.empty()) {
    job();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void ThreadPool::ParallelFor(size_t n, absl::FunctionRef<void(size_t)> fn,
                             absl::FunctionRef<bool()> stop) {
  std::lock_guard<std::mutex> one_loop(loop_mutex_);
  Loop loop{{n, fn, stop}};
  if (threads_.empty() || n <= 1) {
    loop.Work();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loop_ = &loop;
    ++generation_;
  }
  wake_.notify_all();
  loop.Work();
  // Every helper that joined (busy_, counted under the lock) leaves before
  // `loop` goes out of scope; one that wakes later finds loop_ null.
  std::unique_lock<std::mutex> lock(mutex_);
  loop_ = nullptr;
  done_.wait(lock, [&] { return busy_ == 0; });
}

}  // namespace wasm
