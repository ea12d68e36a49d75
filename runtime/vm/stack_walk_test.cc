// The frame walk over hand-built stacks: the chain, its stop conditions,
// every frame-pointer check, the depth cap, native frames before the first
// function (RaiseTrap), and traps inside the prologue.
#include "runtime/vm/stack_walk.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/vm/code_registry.h"

namespace wasm {
namespace {

// Code: functions 7, 8, 9 at [0, 64), [64, 128), [128, 192); [192, 256) is
// registered but in no function (like trampolines or RaiseTrap's stubs).
constexpr uint32_t kF7 = 0;
constexpr uint32_t kF8 = 64;
constexpr uint32_t kF9 = 128;
constexpr uint32_t kNoFunction = 200;

void NativeCode() {}

struct Expected {
  uint32_t function;
  uint32_t offset;
};

class StackWalkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<CodeRegistration> registration =
        RegisterJitCode(code_, {}, JitFunctionTable{7, {kF7, kF8, kF9}, 192});
    ASSERT_TRUE(registration.ok()) << registration.status();
    registration_ = *std::move(registration);
  }

  uintptr_t Code(uint32_t offset) const { return reinterpret_cast<uintptr_t>(code_.data()) + offset; }
  uintptr_t Slot(int index) const { return reinterpret_cast<uintptr_t>(&stack_[index]); }
  uintptr_t End() const { return Slot(kStackWords); }
  // A frame record at stack_[index]: [fp] = saved fp, [fp + 8] = return address.
  void Frame(int index, uintptr_t saved_fp, uintptr_t ret) {
    stack_[index] = saved_fp;
    stack_[index + 1] = ret;
  }

  Backtrace Walk(uintptr_t pc, uintptr_t sp, uintptr_t fp) {
    Backtrace backtrace;
    WalkJitFrames({.pc = pc, .sp = sp, .fp = fp}, End(), &backtrace);
    return backtrace;
  }

  static void ExpectFrames(const Backtrace& backtrace, std::vector<Expected> expected) {
    ASSERT_EQ(backtrace.num_frames, expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(backtrace.frames[i].function, expected[i].function) << "frame " << i;
      EXPECT_EQ(backtrace.frames[i].offset, expected[i].offset) << "frame " << i;
    }
    EXPECT_EQ(backtrace.omitted_frames, 0u);
  }

  static constexpr int kStackWords = 256;
  std::vector<uint8_t> code_ = std::vector<uint8_t>(256);
  CodeRegistration registration_;
  alignas(16) uintptr_t stack_[kStackWords] = {};
};

TEST_F(StackWalkTest, FollowsTheChainInnermostFirst) {
  Frame(4, Slot(10), Code(kF8 + 20));
  Frame(10, Slot(20), Code(kF7 + 5));
  Frame(20, Slot(30), Code(kNoFunction));  // the array-entry trampoline
  Frame(30, Slot(40), Code(kF9 + 1));      // beyond it: not walked
  const Backtrace backtrace = Walk(Code(kF9 + 10), Slot(0), Slot(4));
  ExpectFrames(backtrace, {{9, 10}, {8, 20}, {7, 5}});
  EXPECT_EQ(backtrace.frames[0].pc, Code(kF9 + 10));
  EXPECT_EQ(backtrace.frames[1].pc, Code(kF8 + 20));
  EXPECT_EQ(backtrace.frames[2].code_start, Code(0));
}

TEST_F(StackWalkTest, StopsAtAReturnAddressOutsideJitCode) {
  Frame(4, Slot(10), Code(kF8 + 20));
  Frame(10, Slot(20), reinterpret_cast<uintptr_t>(&NativeCode));
  Frame(20, Slot(30), Code(kF7 + 5));
  ExpectFrames(Walk(Code(kF9 + 6), Slot(0), Slot(4)), {{9, 6}, {8, 20}});
}

TEST_F(StackWalkTest, AReturnAddressAtAFunctionsEndBelongsToIt) {
  // A call as the last instruction of function 8: its return address is
  // function 9's start, but the frame is function 8's.
  Frame(4, Slot(10), Code(kF9));
  Frame(10, 0, 0);
  ExpectFrames(Walk(Code(kF7 + 3), Slot(0), Slot(4)), {{7, 3}, {8, 64}});
}

TEST_F(StackWalkTest, RejectsEveryBadFramePointer) {
  const std::pair<const char*, uintptr_t> bad[] = {
      {"misaligned", Slot(10) + 4},
      {"the same frame again", Slot(4)},
      {"below the previous frame", Slot(2)},
      {"inside the previous frame's slots", Slot(5)},
      {"slots past the end", Slot(kStackWords - 1)},
      {"at the end", End()},
      {"null", 0},
      {"far below", 0x1000},
      {"wrapping around", UINTPTR_MAX - 7},
  };
  for (const auto& [what, fp] : bad) {
    SCOPED_TRACE(what);
    Frame(4, fp, Code(kF8 + 20));
    stack_[kStackWords - 1] = Code(kF7);
    ExpectFrames(Walk(Code(kF9 + 6), Slot(0), Slot(4)), {{9, 6}, {8, 20}});
  }
}

TEST_F(StackWalkTest, RejectsAFirstFramePointerBelowTheStackPointer) {
  Frame(4, Slot(10), Code(kF8 + 20));
  ExpectFrames(Walk(Code(kF9 + 6), Slot(6), Slot(4)), {{9, 6}});
  ExpectFrames(Walk(Code(kF9 + 6), Slot(0), Slot(4) + 1), {{9, 6}});
}

TEST_F(StackWalkTest, KeepsTheInnermostFramesAndCountsTheRest) {
  // pc in function 9, then 99 callers in function 8.
  constexpr int kCallers = 99;
  for (int k = 0; k < kCallers; ++k) {
    const bool last = k + 1 == kCallers;
    Frame(2 * k, last ? 0 : Slot(2 * k + 2), Code(kF8 + 1 + k % 8));
  }
  const Backtrace backtrace = Walk(Code(kF9 + 6), Slot(0), Slot(0));
  ASSERT_EQ(backtrace.num_frames, kMaxBacktraceFrames);
  EXPECT_EQ(backtrace.omitted_frames, 1u + kCallers - kMaxBacktraceFrames);
  EXPECT_EQ(backtrace.frames[0].function, 9u);
  EXPECT_EQ(backtrace.frames[63].function, 8u);
  EXPECT_EQ(backtrace.frames[63].offset, 1u + 62 % 8);
}

TEST_F(StackWalkTest, CrossesNativeFramesToTheWasmCaller) {
  // RaiseTrap's stub (no function) ← RaiseTrap ← builtin ← function 8 ← 7.
  const uintptr_t native = reinterpret_cast<uintptr_t>(&NativeCode);
  Frame(4, Slot(8), native);               // RaiseTrap's frame, returns into the builtin
  Frame(8, Slot(12), Code(kF8 + 33));      // the builtin's, returns into function 8
  Frame(12, Slot(16), Code(kF7 + 9));      // function 8's
  Frame(16, 0, native);                    // function 7's, returns into the trampoline
  ExpectFrames(Walk(Code(kNoFunction), Slot(0), Slot(4)), {{8, 33}, {7, 9}});
}

TEST_F(StackWalkTest, GivesUpOnNativeFramesWithoutWasm) {
  const uintptr_t native = reinterpret_cast<uintptr_t>(&NativeCode);
  Frame(4, Slot(8), native);
  Frame(8, Slot(2), native);  // broken chain
  ExpectFrames(Walk(Code(kNoFunction), Slot(0), Slot(4)), {});
  // More native frames than kMaxNativeFrames before the wasm frame.
  for (int k = 0; k <= kMaxNativeFrames; ++k) Frame(2 * k, Slot(2 * k + 2), native);
  Frame(2 * (kMaxNativeFrames + 1), 0, Code(kF7));
  ExpectFrames(Walk(Code(kNoFunction), Slot(0), Slot(0)), {});
}

TEST_F(StackWalkTest, TrapsInThePrologueKeepTheCaller) {
  // Function 9 called from 8 (whose frame is at slot 4), called from 7.
  Frame(4, Slot(10), Code(kF7 + 5));
  Frame(10, 0, 0);
  // At `push rbp`: the return address is at [rsp], rbp is function 8's.
  stack_[0] = Code(kF8 + 12);
  ExpectFrames(Walk(Code(kF9), Slot(0), Slot(4)), {{9, 0}, {8, 12}, {7, 5}});
  // At `mov rbp, rsp`: rbp was pushed at [rsp], the return address above it.
  stack_[0] = Slot(4);
  stack_[1] = Code(kF8 + 12);
  ExpectFrames(Walk(Code(kF9 + 1), Slot(0), Slot(4)), {{9, 1}, {8, 12}, {7, 5}});
  // The caller's frame pointer must be above the return-address slot.
  stack_[3] = Code(kF8 + 12);
  ExpectFrames(Walk(Code(kF9 + 1), Slot(2), Slot(2)), {{9, 1}, {8, 12}});
}

TEST_F(StackWalkTest, FramesInAnotherRangeNameThatRange) {
  std::vector<uint8_t> other(64);
  absl::StatusOr<CodeRegistration> registration =
      RegisterJitCode(other, {}, JitFunctionTable{0, {0, 16}, 32});
  ASSERT_TRUE(registration.ok()) << registration.status();
  const uintptr_t other_start = reinterpret_cast<uintptr_t>(other.data());
  Frame(4, Slot(10), other_start + 20);  // function 1 there
  Frame(10, Slot(20), Code(kF8 + 2));
  Frame(20, 0, other_start + 40);  // past that range's functions: stop
  const Backtrace backtrace = Walk(Code(kF9 + 4), Slot(0), Slot(4));
  ExpectFrames(backtrace, {{9, 4}, {1, 4}, {8, 2}});
  EXPECT_EQ(backtrace.frames[0].code_start, Code(0));
  EXPECT_EQ(backtrace.frames[1].code_start, other_start);
  EXPECT_EQ(backtrace.frames[2].code_start, Code(0));
}

}  // namespace
}  // namespace wasm
