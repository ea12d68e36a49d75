// Tiered compilation (CompileOptions::Tier::kTiered): instances start with
// the baseline tier's code; the optimising compiler's, compiled in the
// background, replaces it in their FuncRefs, also while they run.
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "gtest/gtest.h"
#include "runtime/bench/generate_module.h"
#include "runtime/instance/instance.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/jit/jit_instance.h"
#include "runtime/jit/parallel_for.h"
#include "runtime/jit/test_modules.h"
#include "runtime/validator.h"

namespace wasm {
namespace {

using Tier = CompileOptions::Tier;
constexpr int64_t kWaitMs = 60000;

std::shared_ptr<const Module> Tiering() {
  absl::StatusOr<std::shared_ptr<const Module>> m =
      CompileModule(jit_testing::WatModules().at("tiering"));
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : nullptr;
}

const FuncRef* Export(JitInstance* instance, const std::string& name) {
  std::optional<Extern> e = instance->instance().GetExport(name);
  return e.has_value() ? e->func() : nullptr;
}

uint32_t Call(JitInstance* instance, const std::string& name, uint32_t arg) {
  const FuncRef* ref = Export(instance, name);
  EXPECT_NE(ref, nullptr) << name;
  if (ref == nullptr) return 0;
  const FuncType type{{ValType::kI32}, {ValType::kI32}};
  absl::StatusOr<std::vector<uint64_t>> r = CallFunction(*ref, type, {arg});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? static_cast<uint32_t>((*r)[0]) : 0;
}

uint32_t Mixed(uint32_t n) {  // what "mixed" computes
  std::vector<uint32_t> fib = {0, 1};
  for (int i = 2; i < 16; ++i) fib.push_back(fib[i - 1] + fib[i - 2]);
  uint32_t s = 0;
  for (uint32_t i = 0; i < n; ++i) s += (i & 1) ? (i & 15) * (i & 15) : fib[i & 15];
  return s;
}

// The background job is held before it installs its code, so the test sees
// the baseline code in use first.
class Gate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return open_; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

class TierUpTest : public ::testing::Test {
 protected:
  // These tests choose their tiers themselves.
  void SetUp() override { unsetenv("WASM_JIT_TIER"); }
  // A test that failed while holding the install lets it go (the
  // CompiledModule's destructor waits for its background thread).
  void TearDown() override { gate_.Open(); }

  // The tiering module compiled tiered, its install held by gate_, and an
  // instance of it (in code_, instance_).
  void InstantiateHeld() {
    std::shared_ptr<const Module> module = Tiering();
    ASSERT_NE(module, nullptr);
    auto code = CompiledModule::Compile(
        module, {.tier = Tier::kTiered, .before_tier_up_install = [this] { gate_.Wait(); }});
    ASSERT_TRUE(code.ok()) << code.status();
    code_ = *code;
    auto instance = store_.Instantiate(code_, imports_);
    ASSERT_TRUE(instance.ok()) << instance.status();
    instance_ = *instance;
  }

  Gate gate_;
  std::shared_ptr<const CompiledModule> code_;
  Imports imports_;
  Store store_;
  JitInstance* instance_ = nullptr;
};

TEST_F(TierUpTest, BaselineFirstThenTheOptimisedCode) {
  InstantiateHeld();
  ASSERT_NE(instance_, nullptr);
  // Held: the baseline code runs.
  EXPECT_FALSE(code_->WaitForTierUp(0));
  EXPECT_EQ(code_->optimized(), nullptr);
  EXPECT_EQ(Export(instance_, "fib")->native_code, code_->native_code(0));
  EXPECT_EQ(Export(instance_, "fib")->array_entry, code_->array_entry(0));
  EXPECT_EQ(Call(instance_, "fib", 20), 6765u);
  EXPECT_EQ(Call(instance_, "mixed", 1000), Mixed(1000));

  gate_.Open();
  ASSERT_TRUE(code_->WaitForTierUp(kWaitMs));
  EXPECT_TRUE(code_->TierUpStatus().ok()) << code_->TierUpStatus();
  std::shared_ptr<const CompiledModule> optimized = code_->optimized();
  ASSERT_NE(optimized, nullptr);
  EXPECT_EQ(optimized->optimized(), nullptr);  // the optimised code tiers up no further
  // fib is defined function 0: its FuncRef now leads to the optimised code
  // (exports, table entries and the baseline code's calls read it).
  const FuncRef* fib = Export(instance_, "fib");
  ASSERT_NE(fib, nullptr);
  EXPECT_EQ(fib->native_code, optimized->native_code(0));
  EXPECT_EQ(fib->array_entry, optimized->array_entry(0));
  EXPECT_EQ(Call(instance_, "fib", 20), 6765u);
  EXPECT_EQ(Call(instance_, "mixed", 1000), Mixed(1000));
}

TEST_F(TierUpTest, AnInstanceMadeAfterTheTierUpGetsTheOptimisedCodeAtOnce) {
  std::shared_ptr<const Module> module = Tiering();
  ASSERT_NE(module, nullptr);
  auto code = CompiledModule::Compile(module, {.tier = Tier::kTiered});
  ASSERT_TRUE(code.ok()) << code.status();
  ASSERT_TRUE((*code)->WaitForTierUp(kWaitMs));
  Imports imports;
  Store store;
  auto instance = store.Instantiate(*code, imports);
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_EQ(Export(*instance, "fib")->native_code, (*code)->optimized()->native_code(0));
  EXPECT_EQ(Call(*instance, "fib", 10), 55u);
}

TEST_F(TierUpTest, CallsGoOnWhileTheCodeChanges) {
  // The instance is called all along on another thread: 20 calls or more
  // with the baseline code (the install is held until then), while the code
  // is installed, and 20 or more after. Every call must be right.
  InstantiateHeld();
  ASSERT_NE(instance_, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0}, wrong{0};
  std::thread caller([&] {
    while (!stop.load()) {
      if (Call(instance_, "mixed", 300) != Mixed(300)) wrong.fetch_add(1);
      calls.fetch_add(1);
    }
  });
  while (calls.load() < 20) std::this_thread::yield();
  EXPECT_EQ(Export(instance_, "mixed")->native_code, code_->native_code(2));  // still baseline
  gate_.Open();
  ASSERT_TRUE(code_->WaitForTierUp(kWaitMs));
  const int before = calls.load();
  while (calls.load() < before + 20) std::this_thread::yield();  // some with the new code
  stop.store(true);
  caller.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(calls.load(), before);
  EXPECT_EQ(Export(instance_, "mixed")->native_code, code_->optimized()->native_code(2));
}

TEST_F(TierUpTest, DestroyedWhileTheBackgroundCompileRuns) {
  const GeneratedModule gen = GenerateBenchmarkModule(200, 600, /*seed=*/3);
  absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(gen.bytes);
  ASSERT_TRUE(module.ok()) << module.status();
  for (int round = 0; round < 3; ++round) {
    auto code = CompiledModule::Compile(*module, {.tier = Tier::kTiered});
    ASSERT_TRUE(code.ok()) << code.status();
    Imports imports;
    auto store = std::make_unique<Store>();
    ASSERT_TRUE(store->Instantiate(*code, imports).ok());
    store.reset();  // the instance detaches; the code goes next, mid-compile
  }
}

TEST_F(TierUpTest, AJobItsPoolDropsEndsCancelled) {
  std::shared_ptr<const Module> module = Tiering();
  ASSERT_NE(module, nullptr);
  std::shared_ptr<const CompiledModule> kept;
  {
    Gate busy;
    ThreadPool pool(1);
    // (Opened before the pool's destructor waits for its helper, even if an
    // assertion below returns early.)
    absl::Cleanup open_busy = [&] { busy.Open(); };
    std::atomic<bool> started{false};
    pool.Async([&] {  // the one helper, busy until the pool goes
      started.store(true);
      busy.Wait();
    });
    while (!started.load()) std::this_thread::yield();
    auto code = CompiledModule::Compile(module, {.pool = &pool, .tier = Tier::kTiered});
    ASSERT_TRUE(code.ok()) << code.status();
    kept = *code;
    EXPECT_FALSE(kept->WaitForTierUp(0));  // queued behind the busy job
    // (the pool's destructor now drops the queued job, or the helper got to
    // it first and it ran)
  }
  ASSERT_TRUE(kept->WaitForTierUp(kWaitMs));
  EXPECT_TRUE(kept->TierUpStatus().ok() || absl::IsCancelled(kept->TierUpStatus()))
      << kept->TierUpStatus();
  EXPECT_EQ(kept->optimized() != nullptr, kept->TierUpStatus().ok());
}

TEST_F(TierUpTest, OnAPool) {
  std::shared_ptr<const Module> module = Tiering();
  ASSERT_NE(module, nullptr);
  for (int helpers : {0, 1, 2}) {
    ThreadPool pool(helpers);
    auto code = CompiledModule::Compile(module, {.pool = &pool, .tier = Tier::kTiered});
    ASSERT_TRUE(code.ok()) << code.status();
    Imports imports;
    Store store;
    auto instance = store.Instantiate(*code, imports);
    ASSERT_TRUE(instance.ok()) << instance.status();
    ASSERT_TRUE((*code)->WaitForTierUp(kWaitMs)) << helpers << " helpers";
    ASSERT_NE((*code)->optimized(), nullptr);
    EXPECT_EQ(Export(*instance, "fib")->native_code, (*code)->optimized()->native_code(0));
    EXPECT_EQ(Call(*instance, "fib", 15), 610u);
  }
}

TEST_F(TierUpTest, OtherTiersHaveNone) {
  std::shared_ptr<const Module> module = Tiering();
  ASSERT_NE(module, nullptr);
  for (Tier tier : {Tier::kOptimizing, Tier::kBaseline}) {
    auto code = CompiledModule::Compile(module, {.tier = tier});
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_TRUE((*code)->WaitForTierUp(0));
    EXPECT_EQ((*code)->optimized(), nullptr);
  }
}

}  // namespace
}  // namespace wasm
