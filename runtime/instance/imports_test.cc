#include "runtime/instance/imports.h"

#include "gtest/gtest.h"

namespace wasm {
namespace {

Extern I32Global(uint64_t value) {
  return *Extern::NewGlobal({ValType::kI32, Mutability::kConst}, value);
}

TEST(ImportsTest, ResolvesByModuleAndName) {
  Imports imports;
  ASSERT_TRUE(imports.Define("env", "a", I32Global(1)).ok());
  ASSERT_TRUE(imports.Define("env", "b", I32Global(2)).ok());
  ASSERT_TRUE(imports.Define("other", "a", I32Global(3)).ok());
  EXPECT_EQ(imports.size(), 3u);
  ASSERT_NE(imports.Resolve("env", "b"), nullptr);
  EXPECT_EQ(imports.Resolve("env", "b")->global()->Get(ValType::kI32), 2u);
  EXPECT_EQ(imports.Resolve("other", "a")->global()->Get(ValType::kI32), 3u);
  EXPECT_EQ(imports.Resolve("env", "c"), nullptr);
  EXPECT_EQ(imports.Resolve("nope", "a"), nullptr);
}

TEST(ImportsTest, DuplicatesFailUnlessReplacing) {
  Imports imports;
  ASSERT_TRUE(imports.Define("env", "a", I32Global(1)).ok());
  const absl::Status status = imports.Define("env", "a", I32Global(2));
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(std::string(status.message()), "import env.a is already defined");
  EXPECT_EQ(imports.Resolve("env", "a")->global()->Get(ValType::kI32), 1u);
  ASSERT_TRUE(imports.Define("env", "a", I32Global(2), Imports::OnDuplicate::kReplace).ok());
  EXPECT_EQ(imports.Resolve("env", "a")->global()->Get(ValType::kI32), 2u);
  EXPECT_EQ(imports.size(), 1u);
}

TEST(ImportsTest, NamesAreBytes) {
  Imports imports;
  const std::string name("a\0b", 3);
  ASSERT_TRUE(imports.Define("m", name, I32Global(1)).ok());
  EXPECT_NE(imports.Resolve("m", name), nullptr);
  EXPECT_EQ(imports.Resolve("m", "a"), nullptr);
}

}  // namespace
}  // namespace wasm
