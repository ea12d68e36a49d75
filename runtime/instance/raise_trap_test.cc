// RaiseTrap through the real trap handler: the trap reaches the innermost
// CallWithTrapHandling with its kind, from any depth of C++ frames.
#include "runtime/instance/raise_trap.h"

#include <optional>

#include "gtest/gtest.h"
#include "runtime/vm/trap.h"
#include "runtime/vm/trap_handler.h"

namespace wasm {
namespace {

// Through a pointer, so that the compiler sees a call that may return.
void (*volatile g_raise)(TrapKind) = &RaiseTrap;

// Raises from `depth` C++ frames below the entry.
[[gnu::noinline]] int Deep(int depth, TrapKind kind) {
  if (depth == 0) {
    g_raise(kind);
    return 0;
  }
  return Deep(depth - 1, kind) + 1;
}

TEST(RaiseTrapTest, EveryKindReachesTheEntry) {
  ASSERT_TRUE(PrepareRaiseTrap().ok());
  for (size_t k = 0; k < kNumTrapKinds; ++k) {
    const TrapKind kind = static_cast<TrapKind>(k);
    bool returned = false;
    const std::optional<Trap> trap = CallWithTrapHandling([&] {
      Deep(5, kind);
      returned = true;
    });
    ASSERT_TRUE(trap.has_value()) << TrapKindName(kind);
    EXPECT_EQ(trap->kind, kind);
    EXPECT_FALSE(returned);
  }
  EXPECT_EQ(ActiveTrapEntries(), 0);
}

TEST(RaiseTrapTest, InnermostEntryCatchesAndOuterContinues) {
  ASSERT_TRUE(PrepareRaiseTrap().ok());
  std::optional<Trap> inner;
  const std::optional<Trap> outer = CallWithTrapHandling(
      [&] { inner = CallWithTrapHandling([] { RaiseTrap(TrapKind::kMemoryOutOfBounds); }); });
  EXPECT_FALSE(outer.has_value());
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->kind, TrapKind::kMemoryOutOfBounds);
}

TEST(RaiseTrapTest, PrepareIsIdempotent) {
  EXPECT_TRUE(PrepareRaiseTrap().ok());
  EXPECT_TRUE(PrepareRaiseTrap().ok());
}

TEST(RaiseTrapDeathTest, OutsideAnEntryAborts) {
  ASSERT_TRUE(PrepareRaiseTrap().ok());
  EXPECT_DEATH(RaiseTrap(TrapKind::kUnreachable), "outside CallWithTrapHandling");
}

}  // namespace
}  // namespace wasm
