// The code registry: lookups by PC, trap sites, overlap and site checks,
// unregistration, and lookups racing with (un)registration.
#include "runtime/vm/code_registry.h"

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace wasm {
namespace {

uintptr_t Address(const uint8_t* p) { return reinterpret_cast<uintptr_t>(p); }

// The registry only looks at addresses, so plain buffers stand in for code.
TEST(CodeRegistryTest, FindsTheRangeAndTheSiteAtExactlyThePc) {
  std::vector<uint8_t> code(64);
  absl::StatusOr<CodeRegistration> registration = RegisterJitCode(
      code, {{20, TrapKind::kIntegerDivideByZero}, {4, TrapKind::kUnreachable},
             {63, TrapKind::kSignatureMismatch}});
  ASSERT_TRUE(registration.ok()) << registration.status();
  EXPECT_TRUE(registration->registered());
  const uintptr_t start = Address(code.data());

  JitCodeLookup lookup = LookupJitCode(start + 4);
  EXPECT_TRUE(lookup.in_jit_code);
  EXPECT_EQ(lookup.code_start, start);
  EXPECT_EQ(lookup.site, TrapKind::kUnreachable);
  EXPECT_EQ(LookupJitCode(start + 20).site, TrapKind::kIntegerDivideByZero);
  EXPECT_EQ(LookupJitCode(start + 63).site, TrapKind::kSignatureMismatch);

  lookup = LookupJitCode(start + 5);  // inside, no site
  EXPECT_TRUE(lookup.in_jit_code);
  EXPECT_EQ(lookup.site, std::nullopt);
  EXPECT_EQ(LookupJitCode(start).site, std::nullopt);

  EXPECT_FALSE(LookupJitCode(start + 64).in_jit_code);
  EXPECT_FALSE(LookupJitCode(start - 1).in_jit_code);
}

TEST(CodeRegistryTest, FindsTheFunctionHoldingThePc) {
  std::vector<uint8_t> code(64);
  absl::StatusOr<CodeRegistration> registration =
      RegisterJitCode(code, {}, JitFunctionTable{3, {4, 10, 30}, 40});
  ASSERT_TRUE(registration.ok()) << registration.status();
  const uintptr_t start = Address(code.data());

  EXPECT_EQ(LookupJitCode(start + 3).function, std::nullopt);  // before the first
  JitCodeLookup lookup = LookupJitCode(start + 4);
  EXPECT_EQ(lookup.function, 3u);
  EXPECT_EQ(lookup.function_start, start + 4);
  EXPECT_EQ(lookup.function_end, start + 10);
  EXPECT_EQ(LookupJitCode(start + 9).function, 3u);
  EXPECT_EQ(LookupJitCode(start + 10).function, 4u);
  lookup = LookupJitCode(start + 39);
  EXPECT_EQ(lookup.function, 5u);
  EXPECT_EQ(lookup.function_start, start + 30);
  EXPECT_EQ(lookup.function_end, start + 40);
  lookup = LookupJitCode(start + 40);  // past the functions, still JIT code
  EXPECT_TRUE(lookup.in_jit_code);
  EXPECT_EQ(lookup.function, std::nullopt);
}

TEST(CodeRegistryTest, RejectsBadFunctionTables) {
  std::vector<uint8_t> code(16);
  absl::Status status = RegisterJitCode(code, {}, JitFunctionTable{0, {0, 8, 8}, 16}).status();
  EXPECT_EQ(status.message(), "code registry: function starts are not increasing at function 2");
  status = RegisterJitCode(code, {}, JitFunctionTable{0, {0, 8}, 8}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = RegisterJitCode(code, {}, JitFunctionTable{0, {0, 8}, 17}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = RegisterJitCode(code, {}, JitFunctionTable{UINT32_MAX, {0, 8}, 16}).status();
  EXPECT_EQ(status.message(), "code registry: function numbers overflow");
  EXPECT_TRUE(RegisterJitCode(code, {}, JitFunctionTable{UINT32_MAX, {0}, 16}).ok());
}

TEST(CodeRegistryTest, UnregistersOnDestruction) {
  std::vector<uint8_t> code(16);
  const uintptr_t start = Address(code.data());
  {
    absl::StatusOr<CodeRegistration> registration =
        RegisterJitCode(code, {{0, TrapKind::kUnreachable}});
    ASSERT_TRUE(registration.ok()) << registration.status();
    EXPECT_TRUE(LookupJitCode(start).in_jit_code);
  }
  EXPECT_FALSE(LookupJitCode(start).in_jit_code);
}

TEST(CodeRegistryTest, MoveKeepsTheRegistrationAndResetEndsIt) {
  std::vector<uint8_t> code(16);
  const uintptr_t start = Address(code.data());
  absl::StatusOr<CodeRegistration> registration = RegisterJitCode(code, {});
  ASSERT_TRUE(registration.ok()) << registration.status();
  CodeRegistration moved = *std::move(registration);
  EXPECT_TRUE(moved.registered());
  EXPECT_TRUE(LookupJitCode(start).in_jit_code);
  CodeRegistration assigned;
  assigned = std::move(moved);
  EXPECT_TRUE(LookupJitCode(start).in_jit_code);
  assigned.Reset();
  EXPECT_FALSE(assigned.registered());
  EXPECT_FALSE(LookupJitCode(start).in_jit_code);
}

TEST(CodeRegistryTest, RejectsOverlappingRanges) {
  std::vector<uint8_t> code(32);
  absl::StatusOr<CodeRegistration> first =
      RegisterJitCode(absl::MakeConstSpan(code).subspan(0, 16), {});
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<CodeRegistration> overlap =
      RegisterJitCode(absl::MakeConstSpan(code).subspan(8, 16), {});
  EXPECT_EQ(overlap.status().code(), absl::StatusCode::kAlreadyExists);
  absl::StatusOr<CodeRegistration> adjacent =
      RegisterJitCode(absl::MakeConstSpan(code).subspan(16, 16), {});
  EXPECT_TRUE(adjacent.ok()) << adjacent.status();
}

TEST(CodeRegistryTest, RejectsBadSites) {
  std::vector<uint8_t> code(8);
  absl::Status status = RegisterJitCode(code, {{8, TrapKind::kUnreachable}}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "code registry: trap site at offset 8 is outside the 8 code bytes");
  status = RegisterJitCode(code, {{2, TrapKind::kUnreachable}, {2, TrapKind::kIntegerOverflow}})
               .status();
  EXPECT_EQ(status.message(), "code registry: two trap sites at offset 2");
  status = RegisterJitCode(code, {{1, static_cast<TrapKind>(kNumTrapKinds)}}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RegisterJitCode({}, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CodeRegistryTest, FreedSlotsAreReused) {
  std::vector<uint8_t> code(kMaxJitCodeRanges + 1);
  // Register and drop many more ranges than there are slots.
  for (int i = 0; i < 3 * kMaxJitCodeRanges; ++i) {
    absl::StatusOr<CodeRegistration> registration =
        RegisterJitCode(absl::MakeConstSpan(code).subspan(i % kMaxJitCodeRanges, 1), {});
    ASSERT_TRUE(registration.ok()) << i << ": " << registration.status();
  }
}

TEST(CodeRegistryTest, RunsOutOfSlots) {
  std::vector<uint8_t> code(kMaxJitCodeRanges + 1);
  std::vector<CodeRegistration> registrations;
  for (int i = 0; i < kMaxJitCodeRanges; ++i) {
    absl::StatusOr<CodeRegistration> registration =
        RegisterJitCode(absl::MakeConstSpan(code).subspan(i, 1), {});
    ASSERT_TRUE(registration.ok()) << i << ": " << registration.status();
    registrations.push_back(*std::move(registration));
  }
  absl::StatusOr<CodeRegistration> one_more =
      RegisterJitCode(absl::MakeConstSpan(code).subspan(kMaxJitCodeRanges, 1), {});
  EXPECT_EQ(one_more.status().code(), absl::StatusCode::kResourceExhausted);
  registrations.pop_back();
  one_more = RegisterJitCode(absl::MakeConstSpan(code).subspan(kMaxJitCodeRanges, 1), {});
  EXPECT_TRUE(one_more.ok()) << one_more.status();
}

TEST(CodeRegistryTest, LookupsRaceWithRegistration) {
  // (After RunsOutOfSlots every lookup scans all kMaxJitCodeRanges slots.)
  // A stable range that must always be found, while another thread keeps
  // registering and unregistering other ranges with sites.
  std::vector<uint8_t> stable(8);
  std::vector<uint8_t> churn(8);
  absl::StatusOr<CodeRegistration> registration =
      RegisterJitCode(stable, {{3, TrapKind::kIntegerOverflow}});
  ASSERT_TRUE(registration.ok()) << registration.status();
  std::atomic<bool> stop{false};
  std::thread churner([&] {
    while (!stop.load()) {
      absl::StatusOr<CodeRegistration> r = RegisterJitCode(churn, {{1, TrapKind::kUnreachable}});
      if (!r.ok()) return;
    }
  });
  int churn_hits = 0;
  for (int i = 0; i < 20000; ++i) {
    JitCodeLookup lookup = LookupJitCode(Address(stable.data()) + 3);
    ASSERT_TRUE(lookup.in_jit_code);
    ASSERT_EQ(lookup.site, TrapKind::kIntegerOverflow);
    lookup = LookupJitCode(Address(churn.data()) + 1);
    if (lookup.in_jit_code) {
      ASSERT_EQ(lookup.site, TrapKind::kUnreachable);
      ++churn_hits;
    }
  }
  stop.store(true);
  churner.join();
  EXPECT_FALSE(LookupJitCode(Address(churn.data()) + 1).in_jit_code);
  RecordProperty("churn_hits", churn_hits);
}

}  // namespace
}  // namespace wasm
