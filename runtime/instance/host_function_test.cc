#include "runtime/instance/host_function.h"

#include <vector>

#include "gtest/gtest.h"
#include "runtime/instance/signature_registry.h"

namespace wasm {
namespace {

TEST(HostFunctionTest, ArrayEntryCallsTheCallbackInPlace) {
  absl::StatusOr<std::shared_ptr<HostFunction>> add = HostFunction::Create(
      FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}}, [](absl::Span<uint64_t> slots) {
        ASSERT_EQ(slots.size(), 2u);
        slots[0] = static_cast<uint32_t>(slots[0] + slots[1]);
      });
  ASSERT_TRUE(add.ok()) << add.status();
  const FuncRef* ref = (*add)->func_ref();
  EXPECT_EQ(ref->native_code, nullptr);
  ASSERT_NE(ref->array_entry, nullptr);
  ASSERT_NE(ref->vmctx, nullptr);
  EXPECT_EQ(ref->vmctx->host_function, add->get());
  EXPECT_EQ(ref->vmctx->instance, nullptr);

  uint64_t slots[2] = {0xfffffffe, 5};
  reinterpret_cast<ArrayEntry>(ref->array_entry)(ref->vmctx, slots);
  EXPECT_EQ(slots[0], 3u);  // wrapped to 32 bits
}

TEST(HostFunctionTest, ResultsMayOutnumberParams) {
  auto f = *HostFunction::Create(FuncType{{}, {ValType::kI64, ValType::kI64}},
                                 [](absl::Span<uint64_t> slots) {
                                   slots[0] = 1;
                                   slots[1] = 2;
                                 });
  std::vector<uint64_t> slots(2);
  ASSERT_TRUE(f->Call(absl::MakeSpan(slots)).ok());
  EXPECT_EQ(slots, (std::vector<uint64_t>{1, 2}));
  std::vector<uint64_t> too_few(1);
  EXPECT_EQ(f->Call(absl::MakeSpan(too_few)).code(), absl::StatusCode::kInvalidArgument);
}

TEST(HostFunctionTest, SignatureIdIsCanonical) {
  const FuncType type{{ValType::kF64}, {}};
  auto f = *HostFunction::Create(type, [](absl::Span<uint64_t>) {});
  EXPECT_EQ(f->func_ref()->sig_id, SignatureRegistry::Global().Intern(type));
  EXPECT_EQ(f->type(), type);
}

TEST(HostFunctionTest, EmptyCallbackIsRejected) {
  EXPECT_EQ(HostFunction::Create(FuncType{}, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wasm
