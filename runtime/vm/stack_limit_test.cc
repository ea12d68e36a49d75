// The stack limit lies below the caller, above the reserve, within budget.
#include "runtime/vm/stack_limit.h"

#include <pthread.h>

#include "gtest/gtest.h"

namespace wasm {
namespace {

uintptr_t CurrentFrame() { return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }

TEST(StackLimitTest, BoundsContainTheCurrentFrame) {
  absl::StatusOr<StackBounds> bounds = CurrentThreadStackBounds();
  ASSERT_TRUE(bounds.ok()) << bounds.status();
  EXPECT_LT(bounds->low, CurrentFrame());
  EXPECT_GT(bounds->high, CurrentFrame());
}

TEST(StackLimitTest, WholeStackStopsAtTheReserve) {
  absl::StatusOr<StackBounds> bounds = CurrentThreadStackBounds();
  ASSERT_TRUE(bounds.ok()) << bounds.status();
  absl::StatusOr<uintptr_t> limit = ComputeStackLimit(kWholeStack);
  ASSERT_TRUE(limit.ok()) << limit.status();
  EXPECT_EQ(*limit, bounds->low + bounds->guard + kDefaultStackReserveBytes);
  EXPECT_LT(*limit, CurrentFrame());
}

TEST(StackLimitTest, BudgetIsMeasuredFromTheCaller) {
  const size_t budget = 100 * 1024;
  absl::StatusOr<uintptr_t> limit = ComputeStackLimit(budget);
  ASSERT_TRUE(limit.ok()) << limit.status();
  const uintptr_t here = CurrentFrame();
  EXPECT_LT(*limit, here);
  // ComputeStackLimit's own frame sits a little below ours.
  EXPECT_GT(*limit, here - budget - 4096);
  EXPECT_LE(*limit, here - budget);
}

TEST(StackLimitTest, SmallThreadStack) {
  // A 512 KiB thread: the whole-stack limit leaves the reserve, and a reserve
  // larger than the stack is an error.
  struct Result {
    absl::StatusOr<uintptr_t> whole = absl::UnknownError("not run");
    absl::StatusOr<uintptr_t> too_big = absl::UnknownError("not run");
    uintptr_t frame = 0;
    absl::StatusOr<StackBounds> bounds = absl::UnknownError("not run");
  } result;
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 512 * 1024), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* arg) -> void* {
                  Result* r = static_cast<Result*>(arg);
                  r->frame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
                  r->bounds = CurrentThreadStackBounds();
                  r->whole = ComputeStackLimit(kWholeStack);
                  r->too_big = ComputeStackLimit(kWholeStack, 1024 * 1024);
                  return nullptr;
                },
                &result),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  ASSERT_TRUE(result.bounds.ok()) << result.bounds.status();
  EXPECT_EQ(result.bounds->high - result.bounds->low, 512u * 1024);
  ASSERT_TRUE(result.whole.ok()) << result.whole.status();
  EXPECT_EQ(*result.whole, result.bounds->low + result.bounds->guard + kDefaultStackReserveBytes);
  EXPECT_LT(*result.whole, result.frame);
  EXPECT_EQ(result.too_big.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace wasm
