// TrapMessage matches the spec testsuite's assert_trap / assert_exhaustion
// texts exactly, and every kind has a distinct message and name.
#include "runtime/vm/trap.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace wasm {
namespace {

TEST(TrapTest, MessagesAreTheSpecTestsuiteTexts) {
  EXPECT_EQ(TrapMessage(TrapKind::kUnreachable), "unreachable");
  EXPECT_EQ(TrapMessage(TrapKind::kMemoryOutOfBounds), "out of bounds memory access");
  EXPECT_EQ(TrapMessage(TrapKind::kIntegerDivideByZero), "integer divide by zero");
  EXPECT_EQ(TrapMessage(TrapKind::kIntegerOverflow), "integer overflow");
  EXPECT_EQ(TrapMessage(TrapKind::kInvalidConversion), "invalid conversion to integer");
  EXPECT_EQ(TrapMessage(TrapKind::kTableOutOfBounds), "out of bounds table access");
  EXPECT_EQ(TrapMessage(TrapKind::kIndirectCallToNull), "uninitialized element");
  EXPECT_EQ(TrapMessage(TrapKind::kUndefinedElement), "undefined element");
  EXPECT_EQ(TrapMessage(TrapKind::kSignatureMismatch), "indirect call type mismatch");
  EXPECT_EQ(TrapMessage(TrapKind::kNullReference), "null reference");
  EXPECT_EQ(TrapMessage(TrapKind::kUnalignedAtomic), "unaligned atomic");
  EXPECT_EQ(TrapMessage(TrapKind::kCallStackExhausted), "call stack exhausted");
  EXPECT_EQ(TrapMessage(TrapKind::kInterrupted), "interrupted");
}

TEST(TrapTest, EveryKindHasADistinctMessageAndName) {
  EXPECT_EQ(kNumTrapKinds, 14u);
  std::set<std::string> messages;
  std::set<std::string> names;
  for (size_t i = 0; i < kNumTrapKinds; ++i) {
    const TrapKind kind = static_cast<TrapKind>(i);
    messages.insert(std::string(TrapMessage(kind)));
    names.insert(std::string(TrapKindName(kind)));
    EXPECT_NE(TrapMessage(kind), "unknown trap") << i;
  }
  EXPECT_EQ(messages.size(), kNumTrapKinds);
  EXPECT_EQ(names.size(), kNumTrapKinds);
}

TEST(TrapTest, NamesAreTheEnumerators) {
  EXPECT_EQ(TrapKindName(TrapKind::kUnreachable), "kUnreachable");
  EXPECT_EQ(TrapKindName(TrapKind::kMemoryOutOfBounds), "kMemoryOutOfBounds");
  EXPECT_EQ(TrapKindName(TrapKind::kInterrupted), "kInterrupted");
}

TEST(TrapTest, ValuesOutsideTheTable) {
  EXPECT_EQ(TrapMessage(static_cast<TrapKind>(kNumTrapKinds)), "unknown trap");
  EXPECT_EQ(TrapKindName(static_cast<TrapKind>(200)), "<unknown>");
}

}  // namespace
}  // namespace wasm
