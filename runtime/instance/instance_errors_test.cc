#include "runtime/instance/instance_errors.h"

#include "gtest/gtest.h"

namespace wasm {
namespace {

TEST(InstanceErrorsTest, LinkError) {
  const absl::Status status = LinkError("unknown import:", "env.f");
  EXPECT_EQ(std::string(status.message()), "unknown import: env.f");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetInstanceErrorKind(status), InstanceErrorKind::kLink);
  EXPECT_FALSE(GetTrapKind(status).has_value());
}

TEST(InstanceErrorsTest, TrapErrorStartsWithTheSpecText) {
  const absl::Status status = TrapError(TrapKind::kTableOutOfBounds, "element segment 1");
  EXPECT_EQ(std::string(status.message()), "out of bounds table access: element segment 1");
  EXPECT_EQ(GetInstanceErrorKind(status), InstanceErrorKind::kTrap);
  EXPECT_EQ(GetTrapKind(status), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(std::string(TrapError(TrapKind::kUnreachable).message()), "unreachable");
}

TEST(InstanceErrorsTest, TrapErrorWithBacktraceAddsItsLines) {
  const absl::Status status = TrapErrorWithBacktrace(
      TrapKind::kIntegerDivideByZero, "  at func 3 <div_helper> +0x12\n  at func 5 +0x4c");
  EXPECT_EQ(std::string(status.message()),
            "integer divide by zero\n  at func 3 <div_helper> +0x12\n  at func 5 +0x4c");
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(GetTrapKind(status), TrapKind::kIntegerDivideByZero);
  EXPECT_EQ(std::string(TrapErrorWithBacktrace(TrapKind::kUnreachable, "").message()),
            "unreachable");
}

TEST(InstanceErrorsTest, OtherStatuses) {
  EXPECT_EQ(GetInstanceErrorKind(absl::OkStatus()), InstanceErrorKind::kNone);
  EXPECT_EQ(GetInstanceErrorKind(absl::ResourceExhaustedError("x")), InstanceErrorKind::kOther);
  EXPECT_FALSE(GetTrapKind(absl::InternalError("x")).has_value());
}

}  // namespace
}  // namespace wasm
