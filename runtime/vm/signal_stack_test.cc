// ScopedAltSignalStack installs a per-thread alternate stack, keeps an
// existing one, and restores the previous state on destruction.
#include "runtime/vm/signal_stack.h"

#include <signal.h>

#include <atomic>
#include <csignal>
#include <thread>
#include <utility>

#include "gtest/gtest.h"

namespace wasm {
namespace {

stack_t CurrentAltStack() {
  stack_t current = {};
  EXPECT_EQ(sigaltstack(nullptr, &current), 0);
  return current;
}

// Each test runs on a fresh thread, which starts without an alternate stack.
template <typename Fn>
void OnNewThread(Fn fn) {
  std::thread thread(fn);
  thread.join();
}

TEST(SignalStackTest, InstallsAndRestores) {
  OnNewThread([] {
    ASSERT_NE(CurrentAltStack().ss_flags & SS_DISABLE, 0);
    {
      absl::StatusOr<ScopedAltSignalStack> scope = ScopedAltSignalStack::Install();
      ASSERT_TRUE(scope.ok()) << scope.status();
      EXPECT_TRUE(scope->owns_stack());
      const stack_t installed = CurrentAltStack();
      EXPECT_EQ(installed.ss_flags & SS_DISABLE, 0);
      EXPECT_GE(installed.ss_size, ScopedAltSignalStack::kDefaultBytes);
      // The stack is usable memory.
      static_cast<volatile char*>(installed.ss_sp)[0] = 1;
      static_cast<volatile char*>(installed.ss_sp)[installed.ss_size - 1] = 1;
    }
    EXPECT_NE(CurrentAltStack().ss_flags & SS_DISABLE, 0);
  });
}

TEST(SignalStackTest, KeepsAnExistingStack) {
  OnNewThread([] {
    absl::StatusOr<ScopedAltSignalStack> outer = ScopedAltSignalStack::Install();
    ASSERT_TRUE(outer.ok()) << outer.status();
    const stack_t before = CurrentAltStack();
    {
      absl::StatusOr<ScopedAltSignalStack> inner = ScopedAltSignalStack::Install();
      ASSERT_TRUE(inner.ok()) << inner.status();
      EXPECT_FALSE(inner->owns_stack());
      EXPECT_EQ(CurrentAltStack().ss_sp, before.ss_sp);
    }
    EXPECT_EQ(CurrentAltStack().ss_sp, before.ss_sp);
    EXPECT_EQ(CurrentAltStack().ss_flags & SS_DISABLE, 0);
  });
}

TEST(SignalStackTest, MoveTransfersTheStack) {
  OnNewThread([] {
    absl::StatusOr<ScopedAltSignalStack> scope = ScopedAltSignalStack::Install();
    ASSERT_TRUE(scope.ok()) << scope.status();
    {
      ScopedAltSignalStack moved(*std::move(scope));
      EXPECT_TRUE(moved.owns_stack());
      EXPECT_FALSE(scope->owns_stack());  // NOLINT(bugprone-use-after-move)
      EXPECT_EQ(CurrentAltStack().ss_flags & SS_DISABLE, 0);
    }
    EXPECT_NE(CurrentAltStack().ss_flags & SS_DISABLE, 0);
  });
}

TEST(SignalStackTest, RoundsUpToAtLeastSigStkSz) {
  OnNewThread([] {
    absl::StatusOr<ScopedAltSignalStack> scope = ScopedAltSignalStack::Install(1);
    ASSERT_TRUE(scope.ok()) << scope.status();
    EXPECT_GE(CurrentAltStack().ss_size, static_cast<size_t>(SIGSTKSZ));
  });
}

// A handler installed with SA_ONSTACK runs on the scope's stack.
std::atomic<uintptr_t> g_handler_frame{0};
void RecordFrame(int) {
  g_handler_frame.store(reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
}

TEST(SignalStackTest, OnStackHandlersRunOnIt) {
  struct sigaction action = {};
  action.sa_handler = RecordFrame;
  action.sa_flags = SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  struct sigaction previous;
  ASSERT_EQ(sigaction(SIGUSR1, &action, &previous), 0);
  OnNewThread([] {
    absl::StatusOr<ScopedAltSignalStack> scope = ScopedAltSignalStack::Install();
    ASSERT_TRUE(scope.ok()) << scope.status();
    const stack_t stack = CurrentAltStack();
    raise(SIGUSR1);
    const uintptr_t frame = g_handler_frame.load();
    const uintptr_t low = reinterpret_cast<uintptr_t>(stack.ss_sp);
    EXPECT_GE(frame, low);
    EXPECT_LT(frame, low + stack.ss_size);
  });
  sigaction(SIGUSR1, &previous, nullptr);
}

}  // namespace
}  // namespace wasm
