// The whole path: broker -> zygote -> confined worker (the test build of the
// worker executable, which answers TestHook requests) -> JIT, over IPC.
#include "host/broker.h"

#include <unistd.h>

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "host/test_modules.h"
#include "runtime/instance/instance_errors.h"

namespace wasm::host {
namespace {

using ::testing::StartsWith;

const std::vector<uint8_t>& Wat(const std::string& name) {
  return testing_modules::WatModules().at(name);
}

ipc::ImportBinding Object(uint32_t id) {
  ipc::ImportBinding b;
  b.set_object_id(id);
  return b;
}

class BrokerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::string> worker = sandbox::FindWorkerBinary("sandbox/worker/worker_for_test");
    ASSERT_TRUE(worker.ok()) << worker.status();
    absl::StatusOr<std::unique_ptr<Broker>> broker =
        Broker::Create({.worker_path = *worker,
                        .deadline = absl::Seconds(2),
                        .interrupt_after = absl::Milliseconds(300)});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = broker->release();
  }
  static void TearDownTestSuite() {
    delete broker_;
    broker_ = nullptr;
  }

  // A confined worker running calc.wat (host.double doubles; host.fail fails).
  std::unique_ptr<WorkerConnection> Calc(ipc::LoadModule::Tier tier = ipc::LoadModule::OPTIMIZING) {
    absl::StatusOr<std::unique_ptr<WorkerConnection>> w = broker_->SpawnWorker();
    EXPECT_TRUE(w.ok()) << w.status();
    (*w)->AddHostFunction(1, [](absl::Span<const uint64_t> a) -> absl::StatusOr<std::vector<uint64_t>> {
      return std::vector<uint64_t>{static_cast<uint32_t>(a[0] * 2)};
    });
    (*w)->AddHostFunction(2, [](absl::Span<const uint64_t>) -> absl::StatusOr<std::vector<uint64_t>> {
      return absl::InternalError("boom");
    });
    EXPECT_TRUE((*w)->DefineHostFunction(1, 1, FuncType{{ValType::kI32}, {ValType::kI32}}).ok());
    EXPECT_TRUE((*w)->DefineHostFunction(2, 2, FuncType{}).ok());
    EXPECT_TRUE((*w)->LoadModule(1, Wat("calc"), tier).ok());
    absl::Status s = (*w)->Instantiate(1, 1, {Object(1), Object(2)});
    EXPECT_TRUE(s.ok()) << s;
    return *std::move(w);
  }

  static Broker* broker_;
};

Broker* BrokerTest::broker_ = nullptr;

TEST_F(BrokerTest, RunsWasmInAConfinedWorker) {
  std::unique_ptr<WorkerConnection> w = Calc();
  EXPECT_EQ(*w->CallExport(1, "add", {40, 2}), std::vector<uint64_t>{42});
  EXPECT_EQ(*w->CallExport(1, "double_plus_one", {20}), std::vector<uint64_t>{41});
  absl::StatusOr<std::vector<uint64_t>> r = w->CallExport(1, "div", {1, 0});
  EXPECT_THAT(std::string(r.status().message()), StartsWith("integer divide by zero\n  at func 3"));
  EXPECT_TRUE(w->health().ok());
}

// Trap backtraces carry the trapping instruction's offset in its function,
// which the two compilers lay out differently: how a test sees which tier
// compiled the code in the worker.
std::string DivideByZeroBacktrace(WorkerConnection& w) {
  absl::StatusOr<std::vector<uint64_t>> r = w.CallExport(1, "div", {1, 0});
  EXPECT_EQ(GetTrapKind(r.status()), TrapKind::kIntegerDivideByZero) << r.status();
  return std::string(r.status().message());
}

TEST_F(BrokerTest, TheBaselineTierCompilesInAConfinedWorker) {
  std::unique_ptr<WorkerConnection> w = Calc(ipc::LoadModule::BASELINE);
  EXPECT_EQ(*w->CallExport(1, "add", {40, 2}), std::vector<uint64_t>{42});
  EXPECT_EQ(*w->CallExport(1, "add", {0xffffffff, 2}), std::vector<uint64_t>{1});
  EXPECT_EQ(*w->CallExport(1, "double_plus_one", {20}), std::vector<uint64_t>{41});  // a host call
  EXPECT_EQ(*w->CallExport(1, "div", {0xfffffff7, 3}), std::vector<uint64_t>{0xfffffffd});  // -9 / 3
  const std::string baseline = DivideByZeroBacktrace(*w);
  EXPECT_THAT(baseline, StartsWith("integer divide by zero\n  at func 3 <div> +0x"));
  EXPECT_TRUE(w->health().ok());
  // The same module, same function, optimised: the trap is elsewhere in its code.
  std::unique_ptr<WorkerConnection> optimized = Calc(ipc::LoadModule::OPTIMIZING);
  EXPECT_NE(DivideByZeroBacktrace(*optimized), baseline);
}

// TIERED: baseline code at once, the optimised code compiled by the worker's
// pool and installed between (or during) calls.
TEST_F(BrokerTest, TheTieredTierCompilesInAConfinedWorker) {
  std::unique_ptr<WorkerConnection> w = Calc(ipc::LoadModule::TIERED);
  for (uint32_t i = 0; i < 3000; ++i) {
    ASSERT_EQ(*w->CallExport(1, "add", {i, 2}), std::vector<uint64_t>{i + 2}) << i;
    ASSERT_EQ(*w->CallExport(1, "double_plus_one", {i}), std::vector<uint64_t>{2 * i + 1}) << i;
  }
  EXPECT_THAT(DivideByZeroBacktrace(*w), StartsWith("integer divide by zero\n  at func 3 <div> +0x"));
  EXPECT_TRUE(w->health().ok());
  // The worker reports the tier-up: installed once its pool is done (waited
  // for here, up to a minute), and none for an optimizing module.
  absl::StatusOr<WorkerConnection::Stats> stats = w->GetStats();
  for (int i = 0; i < 600 && stats.ok() && stats->tier_ups_installed == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    stats = w->GetStats();
  }
  ASSERT_TRUE(stats.ok()) << stats.status();
  // (One CPU: no compile pool, and the worker compiles TIERED optimized.)
  EXPECT_EQ(stats->tier_ups_installed, sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1u : 0u);
  EXPECT_EQ(stats->tier_ups_compiling, 0u);
  EXPECT_EQ(stats->baseline_fallbacks, 0u);
  EXPECT_GT(stats->peak_rss_kib, 0u);
  stats = Calc(ipc::LoadModule::OPTIMIZING)->GetStats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->tier_ups_installed + stats->tier_ups_compiling, 0u);
}

TEST_F(BrokerTest, AnUnknownTierIsAnErrorReplyAndTheWorkerLivesOn) {
  absl::StatusOr<std::unique_ptr<WorkerConnection>> w = broker_->SpawnWorker();
  ASSERT_TRUE(w.ok()) << w.status();
  absl::Status s = (*w)->LoadModule(1, Wat("nest"), static_cast<ipc::LoadModule::Tier>(7));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "load_module.tier 7 is not a known tier");
  EXPECT_TRUE((*w)->health().ok()) << (*w)->health();
  // Nothing was loaded under that id: it is still free.
  EXPECT_TRUE((*w)->LoadModule(1, Wat("ping"), ipc::LoadModule::BASELINE).ok());
}

TEST_F(BrokerTest, AForbiddenSyscallKillsTheWorkerAndIsNamed) {
  std::unique_ptr<WorkerConnection> w = Calc();
  absl::Status s = w->SendTestHook(ipc::TestHook::SYSCALL_OPENAT);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_EQ(s.message(), "worker killed by seccomp: syscall openat (257)");
  EXPECT_EQ(w->CallExport(1, "add", {1, 2}).status().message(),
            "worker killed by seccomp: syscall openat (257)");
}

TEST_F(BrokerTest, ACrashDoesNotDisturbAnotherWorker) {
  std::unique_ptr<WorkerConnection> a = Calc();
  std::unique_ptr<WorkerConnection> b = Calc();
  absl::Status s = a->SendTestHook(ipc::TestHook::CRASH);
  EXPECT_EQ(s.message(), "worker crashed: SIGSEGV");
  EXPECT_EQ(*b->CallExport(1, "add", {1, 2}), std::vector<uint64_t>{3});
  std::unique_ptr<WorkerConnection> c = Calc();  // and new ones still spawn
  EXPECT_EQ(*c->CallExport(1, "add", {2, 2}), std::vector<uint64_t>{4});
}

TEST_F(BrokerTest, AMalformedMessageKillsTheWorkerAndIsReported) {
  std::unique_ptr<WorkerConnection> w = Calc();
  absl::Status s = w->SendTestHook(ipc::TestHook::SEND_GARBAGE);
  EXPECT_EQ(s.message(), "worker sent a malformed message: not an Envelope");
  EXPECT_FALSE(w->CallExport(1, "add", {1, 2}).ok());
}

TEST_F(BrokerTest, AHungWorkerIsKilledAtTheDeadline) {
  std::unique_ptr<WorkerConnection> w = Calc();
  absl::Status s = w->SendTestHook(ipc::TestHook::HANG);
  EXPECT_EQ(s.message(), "deadline exceeded after 2.0 s");
}

TEST_F(BrokerTest, ARunawayCallIsInterruptedAndTheWorkerLivesOn) {
  std::unique_ptr<WorkerConnection> w = Calc();
  for (const char* name : {"spin", "spin_calls"}) {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::vector<uint64_t>> r = w->CallExport(1, name, {});
    EXPECT_EQ(GetTrapKind(r.status()), TrapKind::kInterrupted) << name << ": " << r.status();
    EXPECT_THAT(std::string(r.status().message()), StartsWith("interrupted\n  at func"));
    EXPECT_LT(absl::Now() - start, absl::Seconds(1.5)) << name;
    EXPECT_TRUE(w->health().ok());
    EXPECT_EQ(*w->CallExport(1, "add", {1, 2}), std::vector<uint64_t>{3});  // alive, and not interrupted
  }
}

TEST_F(BrokerTest, HostWasmHostWasmNestsAHundredDeep) {
  absl::StatusOr<std::unique_ptr<WorkerConnection>> spawned = broker_->SpawnWorker();
  ASSERT_TRUE(spawned.ok()) << spawned.status();
  WorkerConnection* w = spawned->get();
  w->AddHostFunction(1, [w](absl::Span<const uint64_t> a) -> absl::StatusOr<std::vector<uint64_t>> {
    return w->CallExport(1, "down", {a[0]});
  });
  ASSERT_TRUE(w->DefineHostFunction(1, 1, FuncType{{ValType::kI32}, {ValType::kI32}}).ok());
  ASSERT_TRUE(w->LoadModule(1, Wat("nest")).ok());
  ASSERT_TRUE(w->Instantiate(1, 1, {Object(1)}).ok());
  absl::StatusOr<std::vector<uint64_t>> r = w->CallExport(1, "down", {100});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, std::vector<uint64_t>{100});
}

TEST_F(BrokerTest, TheProductionWorkerRefusesTestHooks) {
  absl::StatusOr<std::string> worker = sandbox::FindWorkerBinary("sandbox/worker/worker");
  ASSERT_TRUE(worker.ok()) << worker.status();
  absl::StatusOr<std::unique_ptr<Broker>> broker = Broker::Create({.worker_path = *worker});
  ASSERT_TRUE(broker.ok()) << broker.status();
  absl::StatusOr<std::unique_ptr<WorkerConnection>> w = (*broker)->SpawnWorker();
  ASSERT_TRUE(w.ok()) << w.status();
  absl::Status s = (*w)->SendTestHook(ipc::TestHook::SYSCALL_OPENAT);
  EXPECT_EQ(s.message(), "test hooks are not built into this worker");
  EXPECT_TRUE((*w)->health().ok());
}

}  // namespace
}  // namespace wasm::host
