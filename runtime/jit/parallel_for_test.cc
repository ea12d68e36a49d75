#include "runtime/jit/parallel_for.h"

#include <atomic>
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

TEST(ParallelForTest, ResolveThreads) {
  EXPECT_GE(ResolveThreads(0), 1);
  EXPECT_EQ(ResolveThreads(3), 3);
}

}  // namespace
}  // namespace wasm
