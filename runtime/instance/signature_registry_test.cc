#include "runtime/instance/signature_registry.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace wasm {
namespace {

const FuncType kI32ToI32{{ValType::kI32}, {ValType::kI32}};
const FuncType kVoid{{}, {}};
const FuncType kI64ToI32{{ValType::kI64}, {ValType::kI32}};
// Same value types as kI32ToI32 but split differently: must differ.
const FuncType kI32I32ToNothing{{ValType::kI32, ValType::kI32}, {}};
const FuncType kNothingToI32I32{{}, {ValType::kI32, ValType::kI32}};

TEST(SignatureRegistryTest, EqualTypesShareAnId) {
  SignatureRegistry registry;
  const uint32_t a = registry.Intern(kI32ToI32);
  EXPECT_EQ(registry.Intern(FuncType{{ValType::kI32}, {ValType::kI32}}), a);
  EXPECT_EQ(registry.size(), 1u);
}

TEST(SignatureRegistryTest, DifferentTypesGetDifferentIds) {
  SignatureRegistry registry;
  const std::vector<uint32_t> ids =
      registry.InternAll({kI32ToI32, kVoid, kI64ToI32, kI32I32ToNothing, kNothingToI32I32});
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_NE(ids[i], kInvalidSigId);
    for (size_t j = i + 1; j < ids.size(); ++j) EXPECT_NE(ids[i], ids[j]) << i << " " << j;
  }
}

TEST(SignatureRegistryTest, LookupReturnsTheType) {
  SignatureRegistry registry;
  const uint32_t id = registry.Intern(kI64ToI32);
  ASSERT_TRUE(registry.Lookup(id).has_value());
  EXPECT_EQ(*registry.Lookup(id), kI64ToI32);
  EXPECT_FALSE(registry.Lookup(kInvalidSigId).has_value());
  EXPECT_FALSE(registry.Lookup(id + 1).has_value());
}

TEST(SignatureRegistryTest, GlobalIsOneRegistry) {
  EXPECT_EQ(&SignatureRegistry::Global(), &SignatureRegistry::Global());
  EXPECT_EQ(SignatureRegistry::Global().Intern(kVoid), SignatureRegistry::Global().Intern(kVoid));
}

TEST(SignatureRegistryTest, ConcurrentInterningAgrees) {
  SignatureRegistry registry;
  std::vector<uint32_t> seen(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) registry.Intern(FuncType{{ValType::kF32}, {}});
      seen[t] = registry.Intern(FuncType{{ValType::kF32}, {}});
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (uint32_t id : seen) EXPECT_EQ(id, seen[0]);
  EXPECT_EQ(registry.size(), 1u);
}

}  // namespace
}  // namespace wasm
