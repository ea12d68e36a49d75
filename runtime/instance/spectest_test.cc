#include "runtime/instance/spectest.h"

#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/instance/instance.h"
#include "runtime/instance/test_util.h"

namespace wasm {
namespace {

class SpectestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(DefineSpectest(&imports_, [this](absl::string_view line) {
                  lines_.emplace_back(line);
                }).ok());
  }

  const Extern& Get(const std::string& name) {
    const Extern* e = imports_.Resolve("spectest", name);
    EXPECT_NE(e, nullptr) << name;
    static const Extern kNone = Extern::FromFunction(nullptr);
    return e != nullptr ? *e : kNone;
  }

  // Calls a print function through its FuncRef's array entry.
  void Call(const std::string& name, std::vector<uint64_t> args) {
    const FuncRef* ref = Get(name).func();
    ASSERT_NE(ref, nullptr);
    args.resize(std::max<size_t>(args.size(), 1));
    reinterpret_cast<ArrayEntry>(ref->array_entry)(ref->vmctx, args.data());
  }

  static uint64_t F32Bits(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof(bits));
    return bits;
  }
  static uint64_t F64Bits(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof(bits));
    return bits;
  }

  Imports imports_;
  std::vector<std::string> lines_;
};

TEST_F(SpectestTest, Types) {
  EXPECT_EQ(Get("print").TypeString(), "func () -> ()");
  EXPECT_EQ(Get("print_i32").TypeString(), "func (i32) -> ()");
  EXPECT_EQ(Get("print_i64").TypeString(), "func (i64) -> ()");
  EXPECT_EQ(Get("print_f32").TypeString(), "func (f32) -> ()");
  EXPECT_EQ(Get("print_f64").TypeString(), "func (f64) -> ()");
  EXPECT_EQ(Get("print_i32_f32").TypeString(), "func (i32, f32) -> ()");
  EXPECT_EQ(Get("print_f64_f64").TypeString(), "func (f64, f64) -> ()");
  EXPECT_EQ(Get("global_i32").TypeString(), "global i32");
  EXPECT_EQ(Get("global_i64").TypeString(), "global i64");
  EXPECT_EQ(Get("global_f32").TypeString(), "global f32");
  EXPECT_EQ(Get("global_f64").TypeString(), "global f64");
  EXPECT_EQ(Get("table").TypeString(), "table funcref {min 10, max 20}");
  EXPECT_EQ(Get("memory").TypeString(), "memory {min 1, max 2}");
  EXPECT_EQ(Get("shared_memory").TypeString(), "memory {min 1, max 2, shared}");
  EXPECT_EQ(imports_.size(), 14u);
}

TEST_F(SpectestTest, GlobalValues) {
  EXPECT_EQ(Get("global_i32").global()->Get(ValType::kI32), 666u);
  EXPECT_EQ(Get("global_i64").global()->Get(ValType::kI64), 666u);
  EXPECT_EQ(Get("global_f32").global()->Get(ValType::kF32), F32Bits(666.6f));
  EXPECT_EQ(Get("global_f64").global()->Get(ValType::kF64), F64Bits(666.6));
}

TEST_F(SpectestTest, TableIsNullAndMemoryIsZero) {
  for (uint64_t e : Get("table").table()->elements()) EXPECT_EQ(e, 0u);
  const LinearMemory* memory = Get("memory").memory();
  EXPECT_EQ(memory->pages(), 1u);
  EXPECT_EQ(memory->max_pages(), 2u);
  EXPECT_EQ(memory->base()[0], 0);
}

TEST_F(SpectestTest, PrintFunctionsWriteOneLinePerValue) {
  Call("print", {});
  EXPECT_TRUE(lines_.empty());
  Call("print_i32", {0xffffffffu});
  Call("print_i64", {0xfffffffffffffffeu});
  Call("print_f32", {F32Bits(666.6f)});
  Call("print_f64", {F64Bits(0.1)});
  Call("print_i32_f32", {7, F32Bits(-1.5f)});
  Call("print_f64_f64", {F64Bits(1e300), F64Bits(2.0)});
  EXPECT_EQ(lines_, (std::vector<std::string>{"-1 : i32", "-2 : i64", "666.6 : f32", "0.1 : f64",
                                              "7 : i32", "-1.5 : f32", "1e+300 : f64", "2 : f64"}));
}

TEST_F(SpectestTest, TheTestsuitesImportsLink) {
  absl::StatusOr<std::shared_ptr<const Module>> module =
      testing::CompileTestModule("spectest_user");
  ASSERT_TRUE(module.ok()) << module.status();
  absl::StatusOr<std::unique_ptr<Instance>> instance = Instance::Create(*module, imports_);
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_EQ((*instance)->memory(), Get("memory").memory());
  EXPECT_EQ((*instance)->table(0), Get("table").table());
  EXPECT_EQ((*instance)->func_ref(1), Get("print_i32").func());
}

TEST_F(SpectestTest, EachDefinitionIsFresh) {
  Imports other;
  ASSERT_TRUE(DefineSpectest(&other).ok());
  EXPECT_NE(other.Resolve("spectest", "memory")->memory(), Get("memory").memory());
  EXPECT_NE(other.Resolve("spectest", "table")->table(), Get("table").table());
  EXPECT_EQ(DefineSpectest(&imports_).code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace wasm
