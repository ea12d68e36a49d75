// The MDN guide's examples ("Using the WebAssembly JavaScript API"), each a
// host program written against the embedding API (host/api), running its
// .wat module (built by wat2wasm) in a sandboxed worker.
#include <cstdint>
#include <optional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "host/api/errors.h"
#include "host/api/instance.h"
#include "plugins/examples/example_modules.h"

namespace wasm::api {
namespace {

using ::testing::StartsWith;

const std::vector<uint8_t>& Wasm(const std::string& name) {
  return examples::WatModules().at(name);
}

// simple: exported_func calls my_namespace.imported_func with 42.
TEST(ExamplesTest, Simple) {
  absl::StatusOr<Module> module = Module::Compile(Wasm("simple"));
  ASSERT_TRUE(module.ok()) << module.status();
  std::vector<int32_t> received;
  ImportObject imports;
  imports.Define("my_namespace", "imported_func",
                 Function::Host(FuncType{{ValType::kI32}, {}},
                                [&](absl::Span<const Value> args) -> absl::StatusOr<std::vector<Value>> {
                                  received.push_back(args[0].i32());
                                  return std::vector<Value>{};
                                }));
  absl::StatusOr<Instance> instance = Instance::Instantiate(*module, imports);
  ASSERT_TRUE(instance.ok()) << instance.status();
  absl::StatusOr<Function> exported = instance->GetFunction("exported_func");
  ASSERT_TRUE(exported.ok()) << exported.status();
  absl::StatusOr<std::vector<Value>> results = (*exported)({});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_TRUE(results->empty());
  EXPECT_EQ(received, std::vector<int32_t>{42});
}

// memory: a host-created Memory{10, 100} imported as js.mem; accumulate(0, 10).
TEST(ExamplesTest, Memory) {
  absl::StatusOr<Memory> memory = Memory::Create({.initial = 10, .maximum = 100});
  ASSERT_TRUE(memory.ok()) << memory.status();
  MemoryBuffer view = memory->Buffer();
  for (uint32_t i = 0; i < 10; ++i) ASSERT_TRUE(view.SetUint32(i * 4, i).ok());
  absl::StatusOr<Module> module = Module::Compile(Wasm("memory"));
  ASSERT_TRUE(module.ok()) << module.status();
  ImportObject imports;
  imports.Define("js", "mem", *memory);
  absl::StatusOr<Instance> instance = Instance::Instantiate(*module, imports);
  ASSERT_TRUE(instance.ok()) << instance.status();
  absl::StatusOr<Function> accumulate = instance->GetFunction("accumulate");
  ASSERT_TRUE(accumulate.ok());
  absl::StatusOr<std::vector<Value>> sum = (*accumulate)({Value::I32(0), Value::I32(10)});
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->at(0).i32(), 45);

  absl::StatusOr<uint32_t> old = memory->Grow(1);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(*old, 10u);
  EXPECT_EQ(memory->pages(), 11u);
  // The view taken before Grow is detached; a new one sees 11 pages.
  EXPECT_TRUE(view.detached());
  absl::StatusOr<uint32_t> stale = view.GetUint32(0);
  EXPECT_EQ(GetErrorClass(stale.status()), ErrorClass::kTypeError);
  EXPECT_THAT(std::string(stale.status().message()), StartsWith("the memory's buffer is detached"));
  MemoryBuffer fresh = memory->Buffer();
  EXPECT_EQ(fresh.size(), 11u * 65536);
  EXPECT_EQ(*fresh.GetUint32(36), 9u);
  // The worker sees the grown memory too.
  ASSERT_TRUE(fresh.SetUint32(10 * 65536, 1000).ok());
  EXPECT_EQ((*accumulate)({Value::I32(10 * 65536), Value::I32(1)})->at(0).i32(), 1000);
  // Past the maximum: a RangeError, the memory unchanged.
  absl::StatusOr<uint32_t> too_far = memory->Grow(90);
  EXPECT_EQ(GetErrorClass(too_far.status()), ErrorClass::kRangeError) << too_far.status();
  EXPECT_EQ(memory->pages(), 11u);
}

// table: the module exports tbl; tbl.Get(0)() == 13, tbl.Get(1)() == 42.
TEST(ExamplesTest, Table) {
  absl::StatusOr<Module> module = Module::Compile(Wasm("table"));
  ASSERT_TRUE(module.ok()) << module.status();
  absl::StatusOr<Instance> instance = Instance::Instantiate(*module, ImportObject());
  ASSERT_TRUE(instance.ok()) << instance.status();
  absl::StatusOr<Table> table = instance->GetTable("tbl");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(*table->Length(), 2u);
  absl::StatusOr<std::optional<Function>> first = table->Get(0);
  absl::StatusOr<std::optional<Function>> second = table->Get(1);
  ASSERT_TRUE(first.ok() && first->has_value()) << first.status();
  ASSERT_TRUE(second.ok() && second->has_value()) << second.status();
  EXPECT_EQ((**first)({})->at(0).i32(), 13);
  EXPECT_EQ((**second)({})->at(0).i32(), 42);
  // Out of range: a RangeError.
  EXPECT_EQ(GetErrorClass(table->Get(2).status()), ErrorClass::kRangeError);
}

// global: a host-created mutable i32 imported as js.global.
TEST(ExamplesTest, Global) {
  absl::StatusOr<Global> global = Global::Create({ValType::kI32, /*mutable_=*/true}, Value::I32(0));
  ASSERT_TRUE(global.ok()) << global.status();
  absl::StatusOr<Module> module = Module::Compile(Wasm("global"));
  ASSERT_TRUE(module.ok());
  ImportObject imports;
  imports.Define("js", "global", *global);
  absl::StatusOr<Instance> instance = Instance::Instantiate(*module, imports);
  ASSERT_TRUE(instance.ok()) << instance.status();
  Function get = *instance->GetFunction("getGlobal");
  Function inc = *instance->GetFunction("incGlobal");
  EXPECT_EQ(get({})->at(0).i32(), 0);
  ASSERT_TRUE(global->SetValue(Value::I32(42)).ok());
  EXPECT_EQ(get({})->at(0).i32(), 42);
  ASSERT_TRUE(inc({}).ok());
  EXPECT_EQ(global->value()->i32(), 43);
}

}  // namespace
}  // namespace wasm::api
