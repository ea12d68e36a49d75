#include "runtime/jit/parallel_for.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace wasm {
namespace {

TEST(ParallelForTest, RunsEveryIndexOnceOnEveryThreadCount) {
  for (int threads : {0, 1, 2, 4, 16}) {
    for (size_t n : {0u, 1u, 2u, 7u, 1000u}) {
      std::vector<std::atomic<int>> runs(n);
      ParallelFor(n, threads, [&](size_t i) { runs[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) {
        EXPECT_EQ(runs[i].load(), 1) << "threads " << threads << ", n " << n << ", index " << i;
      }
    }
  }
}

TEST(ParallelForTest, UsesMoreThanOneThreadWhenAsked) {
  std::atomic<int> inside{0}, most{0};
  ParallelFor(64, 4, [&](size_t) {
    const int now = inside.fetch_add(1) + 1;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    inside.fetch_sub(1);
  });
  EXPECT_GT(most.load(), 1);
}

TEST(ParallelForTest, StopEndsTheClaiming) {
  std::atomic<int> runs{0};
  ParallelFor(1000, 2, [&](size_t) { runs.fetch_add(1); }, [&] { return runs.load() >= 10; });
  EXPECT_GE(runs.load(), 10);
  EXPECT_LE(runs.load(), 11);  // at most one more: the other thread's claim in flight
}

TEST(ThreadPoolTest, RunsEveryIndexOnceLoopAfterLoop) {
  for (int helpers : {0, 1, 3}) {
    ThreadPool pool(helpers);
    EXPECT_EQ(pool.helpers(), helpers);
    for (size_t n : {0u, 1u, 2u, 5u, 300u, 300u, 1u, 50u}) {
      std::vector<std::atomic<int>> runs(n);
      pool.ParallelFor(n, [&](size_t i) { runs[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) {
        EXPECT_EQ(runs[i].load(), 1) << "helpers " << helpers << ", n " << n << ", index " << i;
      }
    }
  }
}

std::atomic<int> g_started{0};

TEST(ThreadPoolTest, OnStartRunsOnEveryHelperBeforeTheConstructorReturns) {
  g_started = 0;
  ThreadPool pool(3, [] { g_started.fetch_add(1); });
  EXPECT_EQ(g_started.load(), 3);
}

TEST(ThreadPoolTest, HelpersTakeAShare) {
  ThreadPool pool(1);
  std::atomic<int> inside{0}, most{0};
  pool.ParallelFor(32, [&](size_t) {
    const int now = inside.fetch_add(1) + 1;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    inside.fetch_sub(1);
  });
  EXPECT_EQ(most.load(), 2);
}

TEST(ThreadPoolTest, HelpersBlockEverySignal) {
  ThreadPool pool(2);
  std::atomic<int> blocked{0}, checked{0};
  const auto caller = std::this_thread::get_id();
  pool.ParallelFor(64, [&](size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (std::this_thread::get_id() == caller) return;
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    checked.fetch_add(1);
    if (sigismember(&mask, SIGALRM) && sigismember(&mask, SIGINT) &&
        !sigismember(&mask, SIGSYS) && !sigismember(&mask, SIGSEGV)) {
      blocked.fetch_add(1);
    }
  });
  EXPECT_GT(checked.load(), 0);
  EXPECT_EQ(blocked.load(), checked.load());
  sigset_t mine;
  pthread_sigmask(SIG_BLOCK, nullptr, &mine);
  EXPECT_FALSE(sigismember(&mine, SIGALRM)) << "the caller's mask must be left as it was";
}

TEST(ThreadPoolTest, AsyncJobsRunBesideLoops) {
  ThreadPool pool(2);
  std::mutex mutex;
  std::vector<int> order;
  std::atomic<bool> release{false};
  std::atomic<int> done{0};
  // The first job holds one helper until released; loops still run meanwhile.
  pool.Async([&] {
    while (!release.load()) std::this_thread::yield();
    std::lock_guard<std::mutex> lock(mutex);
    order.push_back(0);
    done.fetch_add(1);
  });
  for (int round = 0; round < 5; ++round) {
    std::atomic<int> sum{0};
    pool.ParallelFor(100, [&](size_t i) { sum.fetch_add(static_cast<int>(i)); });
    EXPECT_EQ(sum.load(), 4950);
  }
  release.store(true);
  while (done.load() < 1) std::this_thread::yield();
  for (int k = 1; k <= 3; ++k) {
    pool.Async([&, k] {
      std::lock_guard<std::mutex> lock(mutex);
      order.push_back(k);
      done.fetch_add(1);
    });
  }
  while (done.load() < 4) std::this_thread::yield();
  std::lock_guard<std::mutex> lock(mutex);
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order[0], 0);  // held through five loops, which ran anyway
  // (jobs 1-3 start in order, and may end in any order on two helpers)
  EXPECT_EQ(order[1] + order[2] + order[3], 6);
}

TEST(ThreadPoolTest, AsyncWithoutHelpersRunsOnTheCaller) {
  ThreadPool pool(0);
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id ran;
  pool.Async([&] { ran = std::this_thread::get_id(); });
  EXPECT_EQ(ran, caller);
}

TEST(ThreadPoolTest, DestructionWaitsForARunningJob) {
  std::atomic<bool> started{false}, finished{false};
  {
    ThreadPool pool(1);
    pool.Async([&] {
      started.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      finished.store(true);
    });
    while (!started.load()) std::this_thread::yield();
  }  // the destructor joins the helper inside the job
  EXPECT_TRUE(finished.load());
}

TEST(ParallelForTest, ResolveThreads) {
  EXPECT_GE(ResolveThreads(0), 1);
  EXPECT_EQ(ResolveThreads(3), 3);
}

}  // namespace
}  // namespace wasm
