// CompiledModule::Compile on several threads: the same code, byte for byte,
// as on one thread (functions are linked in order whatever order they were
// compiled in), and the stage statistics.
#include "runtime/jit/compiled_module.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/bench/generate_module.h"
#include "runtime/validator.h"

namespace wasm {
namespace {

std::shared_ptr<const Module> Generated(uint32_t functions) {
  const GeneratedModule gen = GenerateBenchmarkModule(functions, 600, /*seed=*/7);
  absl::StatusOr<std::shared_ptr<const Module>> m = CompileModule(gen.bytes);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : nullptr;
}

std::vector<uint32_t> EntryOffsets(const CompiledModule& code, uint32_t n) {
  std::vector<uint32_t> out;
  for (uint32_t d = 0; d < n; ++d) {
    out.push_back(static_cast<uint32_t>(static_cast<const uint8_t*>(code.native_code(d)) -
                                        code.code().data()));
    out.push_back(static_cast<uint32_t>(static_cast<const uint8_t*>(code.array_entry(d)) -
                                        code.code().data()));
  }
  return out;
}

TEST(CompiledModuleTest, ThreadsGiveTheSameCode) {
  constexpr uint32_t kFunctions = 300;
  std::shared_ptr<const Module> module = Generated(kFunctions);
  ASSERT_NE(module, nullptr);
  auto one = CompiledModule::Compile(module, {.threads = 1});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ((*one)->stats().threads, 1);
  for (int threads : {2, 4}) {
    auto many = CompiledModule::Compile(module, {.threads = threads});
    ASSERT_TRUE(many.ok()) << many.status();
    EXPECT_EQ((*many)->stats().threads, threads);
    ASSERT_EQ((*many)->code().size(), (*one)->code().size()) << threads << " threads";
    EXPECT_TRUE(std::equal((*many)->code().begin(), (*many)->code().end(),
                           (*one)->code().begin()))
        << threads << " threads: the code differs";
    EXPECT_EQ(EntryOffsets(**many, kFunctions), EntryOffsets(**one, kFunctions));
  }
}

TEST(CompiledModuleTest, PoolGivesTheSameCode) {
  std::shared_ptr<const Module> module = Generated(100);
  ASSERT_NE(module, nullptr);
  auto one = CompiledModule::Compile(module);
  ASSERT_TRUE(one.ok()) << one.status();
  ThreadPool pool(2);
  for (int round = 0; round < 2; ++round) {  // the pool serves compile after compile
    auto pooled = CompiledModule::Compile(module, {.pool = &pool});
    ASSERT_TRUE(pooled.ok()) << pooled.status();
    EXPECT_EQ((*pooled)->stats().threads, 3);
    EXPECT_TRUE(std::equal((*pooled)->code().begin(), (*pooled)->code().end(),
                           (*one)->code().begin(), (*one)->code().end()));
  }
}

TEST(CompiledModuleTest, FunctionsStartAlignedAndStatsAddUp) {
  std::shared_ptr<const Module> module = Generated(40);
  ASSERT_NE(module, nullptr);
  auto code = CompiledModule::Compile(module, {.threads = 2});
  ASSERT_TRUE(code.ok()) << code.status();
  for (uint32_t d = 0; d < 40; ++d) {
    const uint8_t* p = static_cast<const uint8_t*>((*code)->native_code(d));
    EXPECT_EQ((p - (*code)->code().data()) % 16, 0) << "function " << d;
    // push rbp: the prologue the function table relies on.
    EXPECT_EQ(p[0], 0x55) << "function " << d;
  }
  const CompileStats& s = (*code)->stats();
  EXPECT_GT(s.translate_seconds, 0);
  EXPECT_GT(s.optimize_seconds, 0);
  EXPECT_GT(s.codegen_seconds, 0);
  EXPECT_GT(s.parallel_seconds, 0);
  EXPECT_EQ(s.code_bytes, (*code)->code().size());
}

TEST(CompiledModuleTest, ModuleWithoutFunctions) {
  const std::vector<uint8_t> empty = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  auto module = CompileModule(empty);
  ASSERT_TRUE(module.ok());
  auto code = CompiledModule::Compile(*module, {.threads = 0});
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_TRUE((*code)->code().empty());
}

}  // namespace
}  // namespace wasm
