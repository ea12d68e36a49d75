// The embedding API end to end (sandboxed workers): every error class with
// its message, exports of every kind, linking two instances across workers.
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "host/api/errors.h"
#include "host/api/instance.h"
#include "host/api/test_modules.h"
#include "runtime/testing/wasm_builder.h"

namespace wasm::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::vector<uint8_t>& Wasm(const std::string& name) {
  return testing_modules::WatModules().at(name);
}

Function Twice() {
  return Function::Host(FuncType{{ValType::kI32}, {ValType::kI32}},
                        [](absl::Span<const Value> a) -> absl::StatusOr<std::vector<Value>> {
                          return std::vector<Value>{Value::I32(a[0].i32() * 2)};
                        });
}

Instance ApiInstance() {
  ImportObject imports;
  imports.Define("env", "twice", Twice());
  absl::StatusOr<Instance> instance = Instance::Instantiate(*Module::Compile(Wasm("api")), imports);
  EXPECT_TRUE(instance.ok()) << instance.status();
  return *std::move(instance);
}

TEST(ApiTest, CompileErrorSaysWhatAndWhere) {
  std::vector<uint8_t> bad = Wasm("api");
  bad[0] = 'X';
  absl::StatusOr<Module> m = Module::Compile(bad);
  EXPECT_EQ(GetErrorClass(m.status()), ErrorClass::kCompileError);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("magic header not detected"));
  EXPECT_EQ(GetErrorClass(Module::Validate(bad)), ErrorClass::kCompileError);
  EXPECT_TRUE(Module::Validate(Wasm("api")).ok());
}

TEST(ApiTest, ModuleDescribesItsImportsAndExports) {
  Module m = *Module::Compile(Wasm("api"));
  ASSERT_EQ(m.Imports().size(), 1u);
  EXPECT_EQ(m.Imports()[0].module, "env");
  EXPECT_EQ(m.Imports()[0].name, "twice");
  EXPECT_EQ(m.Imports()[0].kind, ExternKind::kFunc);
  EXPECT_EQ(m.Imports()[0].type, "func (i32) -> (i32)");
  std::vector<std::string> types;
  for (const ExportDescriptor& e : m.Exports()) types.push_back(e.type);
  EXPECT_THAT(types, ::testing::ElementsAre("memory {min 1, max 3}", "table funcref {min 2}",
                                            "global (mut i32)", "global i64",
                                            "func (i32, i32) -> (i32)", "func (i32) -> (i32)",
                                            "func (i32) -> (i32)", "func (i32) -> (i32)"));
  std::vector<std::string> names;
  for (const ExportDescriptor& e : m.Exports()) names.push_back(e.name);
  EXPECT_THAT(names, ::testing::ElementsAre("mem", "tbl", "counter", "fixed", "div", "quad", "peek", "grow"));
  EXPECT_TRUE(m.CustomSections("nothing").empty());
  EXPECT_EQ(m.CustomSections("name").size(), 1u);  // wat2wasm --debug-names
}

TEST(ApiTest, LinkErrorsNameTheImport) {
  Module m = *Module::Compile(Wasm("api"));
  absl::StatusOr<Instance> missing = Instance::Instantiate(m, ImportObject());
  EXPECT_EQ(GetErrorClass(missing.status()), ErrorClass::kLinkError);
  EXPECT_THAT(std::string(missing.status().message()), StartsWith("unknown import"));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("env.twice"));
  ImportObject wrong;
  wrong.Define("env", "twice", Function::Host(FuncType{{ValType::kF64}, {}},
                                              [](absl::Span<const Value>) -> absl::StatusOr<std::vector<Value>> {
                                                return std::vector<Value>{};
                                              }));
  absl::StatusOr<Instance> mistyped = Instance::Instantiate(m, wrong);
  EXPECT_EQ(GetErrorClass(mistyped.status()), ErrorClass::kLinkError);
  EXPECT_THAT(std::string(mistyped.status().message()), StartsWith("incompatible import type for env.twice"));
}

// A module of 6 MB (a data segment): larger than anything a worker may send
// the broker (4 MiB), which must not bound what the broker sends the worker.
std::vector<uint8_t> ModuleWithBigData(uint32_t data_bytes) {
  namespace b = ::wasm::testing;
  b::Bytes data(data_bytes, 0);
  data.back() = 42;
  // get: i32.const (last byte); i32.load8_u align 0 offset 0; end
  const b::Bytes get = b::Concat({{0x41}, b::SLeb(data_bytes - 1), {0x2d, 0x00, 0x00, 0x0b}});
  const b::Bytes memory_and_export =
      b::Concat({b::Section(5, b::Vec({{0x00, 0x64}})),  // memory: 100 pages
                 b::Section(7, b::Vec({b::Concat({b::Name("get"), {0x00, 0x00}})}))});
  const b::Bytes segment = b::Concat({{0x00, 0x41, 0x00, 0x0b}, b::Leb(data_bytes), data});
  return b::Concat({b::OneFunctionModule({}, {0x7f}, get, {}, memory_and_export),
                    b::Section(11, b::Vec({segment}))});
}

TEST(ApiTest, AModuleLargerThanAWorkersMessageLimit) {
  absl::StatusOr<Module> module = Module::Compile(ModuleWithBigData(6'000'000));
  ASSERT_TRUE(module.ok()) << module.status();
  absl::StatusOr<Instance> instance = Instance::Instantiate(*module, ImportObject());
  ASSERT_TRUE(instance.ok()) << instance.status();
  absl::StatusOr<std::vector<Value>> r = (*instance->GetFunction("get"))({});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->at(0).i32(), 42);
}

TEST(ApiTest, RuntimeErrorCarriesTheTrapAndBacktrace) {
  Instance instance = ApiInstance();
  Function div = *instance.GetFunction("div");
  absl::StatusOr<std::vector<Value>> r = div({Value::I32(1), Value::I32(0)});
  EXPECT_EQ(GetErrorClass(r.status()), ErrorClass::kRuntimeError);
  EXPECT_THAT(std::string(r.status().message()), StartsWith("integer divide by zero\n  at func 1 <div>"));
  EXPECT_EQ(div({Value::I32(9), Value::I32(3)})->at(0).i32(), 3);  // the instance goes on
}

TEST(ApiTest, TypeErrorsForArgumentsAndImmutableGlobals) {
  Instance instance = ApiInstance();
  Function div = *instance.GetFunction("div");
  absl::StatusOr<std::vector<Value>> r = div({Value::I32(1)});
  EXPECT_EQ(GetErrorClass(r.status()), ErrorClass::kTypeError);
  EXPECT_EQ(r.status().message(), "function (i32, i32) -> (i32) takes 2 arguments, got 1");
  r = div({Value::I32(1), Value::F64(2)});
  EXPECT_EQ(GetErrorClass(r.status()), ErrorClass::kTypeError);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("argument 1"));
  Global fixed = *instance.GetGlobal("fixed");
  EXPECT_EQ(fixed.value()->i64(), -1);
  absl::Status s = fixed.SetValue(Value::I64(3));
  EXPECT_EQ(GetErrorClass(s), ErrorClass::kTypeError);
  EXPECT_EQ(s.message(), "Global.value: the global is immutable");
  absl::StatusOr<Global> bad = Global::Create({ValType::kI32, true}, Value::F32(1));
  EXPECT_EQ(GetErrorClass(bad.status()), ErrorClass::kTypeError);
}

TEST(ApiTest, RangeErrorsForMemoryAndTables) {
  absl::StatusOr<Memory> m = Memory::Create({.initial = 2, .maximum = 1});
  EXPECT_EQ(GetErrorClass(m.status()), ErrorClass::kRangeError);
  EXPECT_EQ(m.status().message(), "Memory: initial size 2 pages is larger than the maximum 1");
  Instance instance = ApiInstance();
  Table table = *instance.GetTable("tbl");
  absl::StatusOr<std::optional<Function>> e = table.Get(5);
  EXPECT_EQ(GetErrorClass(e.status()), ErrorClass::kRangeError);
  MemoryBuffer view = (*Memory::Create({.initial = 1})).Buffer();
  EXPECT_EQ(GetErrorClass(view.GetUint32(65534).status()), ErrorClass::kRangeError);
}

TEST(ApiTest, HostFunctionsAndErrorsInsideThem) {
  Instance instance = ApiInstance();
  EXPECT_EQ((*instance.GetFunction("quad"))({Value::I32(5)})->at(0).i32(), 20);
  ImportObject failing;
  failing.Define("env", "twice", Function::Host(FuncType{{ValType::kI32}, {ValType::kI32}},
                                                [](absl::Span<const Value>) -> absl::StatusOr<std::vector<Value>> {
                                                  return absl::PermissionDeniedError("no doubling today");
                                                }));
  Instance other = *Instance::Instantiate(*Module::Compile(Wasm("api")), failing);
  absl::StatusOr<std::vector<Value>> r = (*other.GetFunction("quad"))({Value::I32(5)});
  EXPECT_EQ(GetErrorClass(r.status()), ErrorClass::kRuntimeError);
  EXPECT_THAT(std::string(r.status().message()), StartsWith("host function failed: no doubling today"));
}

TEST(ApiTest, ExportedGlobalTableAndMemory) {
  Instance instance = ApiInstance();
  Global counter = *instance.GetGlobal("counter");
  EXPECT_EQ(counter.value()->i32(), 7);
  ASSERT_TRUE(counter.SetValue(Value::I32(8)).ok());
  EXPECT_EQ(counter.value()->i32(), 8);

  Table table = *instance.GetTable("tbl");
  std::optional<Function> div = *table.Get(0);
  ASSERT_TRUE(div.has_value());
  EXPECT_EQ((*div)({Value::I32(8), Value::I32(2)})->at(0).i32(), 4);
  EXPECT_FALSE(table.Get(1)->has_value());
  ASSERT_TRUE(table.Set(1, div).ok());
  EXPECT_EQ((**table.Get(1))({Value::I32(9), Value::I32(3)})->at(0).i32(), 3);
  EXPECT_EQ(*table.Grow(3, std::nullopt), 2u);
  EXPECT_EQ(*table.Length(), 5u);

  Memory memory = *instance.GetMemory("mem");
  MemoryBuffer view = memory.Buffer();
  ASSERT_TRUE(view.SetUint32(16, 0xabcd).ok());
  EXPECT_EQ((*instance.GetFunction("peek"))({Value::I32(16)})->at(0).i32(), 0xabcd);
  // wasm's memory.grow detaches the host's view too.
  EXPECT_EQ((*instance.GetFunction("grow"))({Value::I32(1)})->at(0).i32(), 1);
  EXPECT_TRUE(view.detached());
  EXPECT_EQ(memory.pages(), 2u);
  EXPECT_TRUE(absl::IsNotFound(instance.GetMemory("nope").status()));
}

TEST(ApiTest, AFunctionOfOneInstanceImportedByAnotherAcrossWorkers) {
  Instance lib = ApiInstance();
  ImportObject imports;
  imports.Define("lib", "div", *lib.GetFunction("div"));
  absl::StatusOr<Instance> user = Instance::Instantiate(*Module::Compile(Wasm("user")), imports);
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ((*user->GetFunction("half"))({Value::I32(42)})->at(0).i32(), 21);
}

// A source that hands out `bytes` `chunk` bytes at a time and counts pulls.
ByteSource Chunks(std::vector<uint8_t> bytes, size_t chunk, size_t* pulled) {
  return [bytes = std::move(bytes), chunk, pulled, at = size_t{0}]() mutable
         -> absl::StatusOr<std::optional<std::vector<uint8_t>>> {
    if (at >= bytes.size()) return std::optional<std::vector<uint8_t>>();
    const size_t n = std::min(chunk, bytes.size() - at);
    std::vector<uint8_t> piece(bytes.begin() + at, bytes.begin() + at + n);
    at += n;
    ++*pulled;
    return std::optional<std::vector<uint8_t>>(std::move(piece));
  };
}

TEST(ApiTest, CompileStreamingInOneByteChunks) {
  size_t pulled = 0;
  absl::StatusOr<Module> m = Module::CompileStreaming(Chunks(Wasm("api"), 1, &pulled));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(pulled, Wasm("api").size());
  EXPECT_EQ(m->Exports().size(), 8u);
  ImportObject imports;
  imports.Define("env", "twice", Twice());
  absl::StatusOr<std::pair<Module, Instance>> both =
      Instance::InstantiateStreaming(Chunks(Wasm("api"), 7, &pulled), imports);
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ((*both->second.GetFunction("quad"))({Value::I32(3)})->at(0).i32(), 12);
}

TEST(ApiTest, TheBaselineTierRunsInTheWorker) {
  EXPECT_EQ(Module::Compile(Wasm("api"))->options().tier, Tier::kTiered);  // the default
  absl::StatusOr<Module> m = Module::Compile(Wasm("api"), {.tier = Tier::kBaseline});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->options().tier, Tier::kBaseline);
  ImportObject imports;
  imports.Define("env", "twice", Twice());
  absl::StatusOr<Instance> instance = Instance::Instantiate(*m, imports);
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_EQ(instance->module().options().tier, Tier::kBaseline);
  absl::StatusOr<std::vector<Value>> r = (*instance->GetFunction("quad"))({Value::I32(3)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->at(0).i32(), 12);  // through the host import, twice
  Function div = *instance->GetFunction("div");
  EXPECT_EQ(div({Value::I32(-9), Value::I32(2)})->at(0).i32(), -4);
  r = div({Value::I32(1), Value::I32(0)});
  EXPECT_EQ(GetErrorClass(r.status()), ErrorClass::kRuntimeError);
  const std::string baseline_trap(r.status().message());
  EXPECT_THAT(baseline_trap, StartsWith("integer divide by zero\n  at func 1 <div> +0x"));
  // The optimising compiler lays the function out differently: the same
  // trap at another offset shows the tier reached the worker.
  absl::StatusOr<Instance> optimized =
      Instance::Instantiate(*Module::Compile(Wasm("api"), {.tier = Tier::kOptimizing}), imports);
  ASSERT_TRUE(optimized.ok()) << optimized.status();
  r = (*optimized->GetFunction("div"))({Value::I32(1), Value::I32(0)});
  EXPECT_NE(std::string(r.status().message()), baseline_trap);

  size_t pulled = 0;
  absl::StatusOr<std::pair<Module, Instance>> both = Instance::InstantiateStreaming(
      Chunks(Wasm("api"), 7, &pulled), imports, {.tier = Tier::kBaseline});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->first.options().tier, Tier::kBaseline);
  EXPECT_EQ((*both->second.GetFunction("quad"))({Value::I32(5)})->at(0).i32(), 20);
}

// The default tier: baseline code first, the optimised code installed by
// the worker's pool while the instance is called; every call is right
// whichever code it ran, and the trap's backtrace names the function either way.
TEST(ApiTest, TheTieredDefaultRunsInTheWorker) {
  ImportObject imports;
  imports.Define("env", "twice", Twice());
  absl::StatusOr<Instance> instance = Instance::Instantiate(*Module::Compile(Wasm("api")), imports);
  ASSERT_TRUE(instance.ok()) << instance.status();
  Function quad = *instance->GetFunction("quad");
  Function div = *instance->GetFunction("div");
  for (int i = 0; i < 2000; ++i) {
    absl::StatusOr<std::vector<Value>> r = quad({Value::I32(i)});
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->at(0).i32(), 4 * i) << i;
    ASSERT_EQ(div({Value::I32(-9 * i), Value::I32(2)})->at(0).i32(), -9 * i / 2) << i;
  }
  absl::StatusOr<std::vector<Value>> r = div({Value::I32(1), Value::I32(0)});
  EXPECT_THAT(std::string(r.status().message()),
              StartsWith("integer divide by zero\n  at func 1 <div> +0x"));
}

TEST(ApiTest, CompileStreamingReportsAMalformedModuleBeforeItsEnd) {
  // A bad value type in the type section (byte 8 on), followed by plenty.
  std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                0x01, 0x05, 0x01, 0x60, 0x01, 0x42, 0x00};
  const size_t header = bytes.size();
  std::vector<uint8_t> tail = Wasm("api");
  bytes.insert(bytes.end(), tail.begin() + 8, tail.end());
  size_t pulled = 0;
  absl::StatusOr<Module> m = Module::CompileStreaming(Chunks(bytes, 1, &pulled));
  EXPECT_EQ(GetErrorClass(m.status()), ErrorClass::kCompileError);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("malformed value type"));
  EXPECT_LE(pulled, header);          // reported as soon as the type was in
  EXPECT_LT(pulled, bytes.size());    // long before the end
  // An error from the source itself comes back unchanged.
  absl::StatusOr<Module> failed = Module::CompileStreaming(
      []() -> absl::StatusOr<std::optional<std::vector<uint8_t>>> {
        return absl::UnavailableError("download failed");
      });
  EXPECT_EQ(failed.status().message(), "download failed");
}

TEST(ApiTest, AGlobalOfOneInstanceImportedByAnotherAcrossWorkers) {
  Instance lib = ApiInstance();
  Global counter = *lib.GetGlobal("counter");
  EXPECT_EQ(counter.value()->i32(), 7);
  ImportObject imports;
  imports.Define("lib", "counter", counter);
  absl::StatusOr<Instance> user = Instance::Instantiate(*Module::Compile(Wasm("global_user")), imports);
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ((*user->GetFunction("bump"))({})->at(0).i32(), 8);
  EXPECT_EQ(counter.value()->i32(), 8);                       // the host sees it
  EXPECT_EQ((*lib.GetGlobal("counter")).value()->i32(), 8);   // and so does lib's cell
  ASSERT_TRUE(counter.SetValue(Value::I32(100)).ok());
  EXPECT_EQ((*user->GetFunction("bump"))({})->at(0).i32(), 101);
  // An immutable export is immutable here too.
  EXPECT_EQ(GetErrorClass((*lib.GetGlobal("fixed")).SetValue(Value::I64(1))), ErrorClass::kTypeError);
}

TEST(ApiTest, AHostCreatedTableMovesIntoItsFirstImportersWorker) {
  EXPECT_EQ(GetErrorClass(Table::Create({.element = ValType::kFuncRef, .initial = 3, .maximum = 2}).status()),
            ErrorClass::kRangeError);
  EXPECT_EQ(GetErrorClass(Table::Create({.element = ValType::kI32}).status()), ErrorClass::kTypeError);
  Table table = *Table::Create({.element = ValType::kFuncRef, .initial = 2, .maximum = 10});
  EXPECT_EQ(*table.Length(), 2u);
  EXPECT_FALSE(table.Get(1)->has_value());
  EXPECT_EQ(GetErrorClass(table.Get(2).status()), ErrorClass::kRangeError);
  EXPECT_EQ(*table.Grow(1, std::nullopt), 2u);
  ImportObject imports;
  imports.Define("js", "tbl", table);
  Module m = *Module::Compile(Wasm("table_user"));
  absl::StatusOr<Instance> instance = Instance::Instantiate(m, imports);
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_EQ(*table.Length(), 3u);
  std::optional<Function> one = *table.Get(0);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ((*one)({})->at(0).i32(), 1);
  EXPECT_EQ((**table.Get(1))({})->at(0).i32(), 2);
  ASSERT_TRUE(table.Set(2, one).ok());
  EXPECT_EQ((*instance->GetFunction("call"))({Value::I32(2)})->at(0).i32(), 1);
  // The table lives in that worker now: a second instance cannot share it.
  absl::StatusOr<Instance> second = Instance::Instantiate(m, imports);
  EXPECT_EQ(GetErrorClass(second.status()), ErrorClass::kLinkError);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("js.tbl"));
}

TEST(ApiTest, ASharedMemorysViewsAreNotDetachedByGrow) {
  absl::StatusOr<Memory> shared = Memory::Create({.initial = 1, .maximum = 4, .shared = true});
  ASSERT_TRUE(shared.ok()) << shared.status();
  MemoryBuffer view = shared->Buffer();
  ASSERT_TRUE(view.SetUint32(0, 5).ok());
  EXPECT_EQ(*shared->Grow(1), 1u);
  EXPECT_FALSE(view.detached());
  EXPECT_EQ(view.size(), 2u * 65536);  // it sees the new size
  EXPECT_EQ(*view.GetUint32(0), 5u);
  EXPECT_EQ(GetErrorClass(Memory::Create({.initial = 1, .shared = true}).status()), ErrorClass::kTypeError);
}

TEST(ApiTest, OneMemorySharedByInstancesInTwoWorkers) {
  Memory memory = *Memory::Create({.initial = 1, .maximum = 8});
  ImportObject imports;
  imports.Define("env", "mem", memory);
  Module m = *Module::Compile(Wasm("mem_user"));
  Instance a = *Instance::Instantiate(m, imports);
  Instance b = *Instance::Instantiate(m, imports);
  ASSERT_TRUE((*a.GetFunction("store"))({Value::I32(64), Value::I32(1234)}).ok());
  EXPECT_EQ((*b.GetFunction("load"))({Value::I32(64)})->at(0).i32(), 1234);
  EXPECT_EQ(*memory.Buffer().GetUint32(64), 1234u);
  // a grows it; b and the host see the new page.
  EXPECT_EQ((*a.GetFunction("grow"))({Value::I32(2)})->at(0).i32(), 1);
  EXPECT_EQ((*b.GetFunction("size"))({})->at(0).i32(), 3);
  ASSERT_TRUE((*b.GetFunction("store"))({Value::I32(2 * 65536), Value::I32(77)}).ok());
  EXPECT_EQ((*a.GetFunction("load"))({Value::I32(2 * 65536)})->at(0).i32(), 77);
  EXPECT_EQ(memory.pages(), 3u);
}

}  // namespace
}  // namespace wasm::api
