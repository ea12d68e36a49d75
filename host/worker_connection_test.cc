// WorkerConnection against a real WorkerService in a forked child process
// (no confinement here: sandbox/ tests cover that, and the spec engine runs
// the whole path through the zygote).
#include "host/worker_connection.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "host/global_segment.h"
#include "host/test_modules.h"
#include "runtime/instance/instance_errors.h"
#include "runtime/vm/linear_memory.h"
#include "sandbox/worker/worker_service.h"

namespace wasm::host {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::vector<uint8_t>& Wat(const std::string& name) { return testing_modules::WatModules().at(name); }

// A worker in a forked child; the test process plays the broker.
std::unique_ptr<WorkerConnection> SpawnWorker(absl::Duration deadline = absl::Seconds(30)) {
  absl::StatusOr<std::pair<ipc::Channel, ipc::Channel>> pair = ipc::Channel::CreatePair();
  if (!pair.ok()) return nullptr;
  const pid_t pid = fork();
  if (pid == 0) {
    ipc::Channel broker_end = std::move(pair->first);
    broker_end = ipc::Channel();
    _exit(sandbox::RunWorker(pair->second.Release().release()));
  }
  auto status = std::make_shared<int>(-1);
  WorkerConnection::ProcessControl control{
      .kill = [pid, status]() {
        if (*status == -1) kill(pid, SIGKILL);
        return absl::OkStatus();
      },
      .describe_exit = [pid, status]() -> std::string {
        int s = 0;
        if (*status == -1 && waitpid(pid, &s, 0) == pid) *status = s;
        if (WIFSIGNALED(*status)) return absl::StrCat("worker crashed: SIG", sigabbrev_np(WTERMSIG(*status)));
        return absl::StrCat("worker exited with code ", WEXITSTATUS(*status));
      }};
  return std::make_unique<WorkerConnection>(std::move(pair->first), std::move(control),
                                            WorkerConnection::Options{.deadline = deadline});
}

ipc::ImportBinding Object(uint32_t id) {
  ipc::ImportBinding b;
  b.set_object_id(id);
  return b;
}

// calc.wat with host.double (x2) and host.fail (an error) served here.
std::unique_ptr<WorkerConnection> CalcWorker() {
  std::unique_ptr<WorkerConnection> w = SpawnWorker();
  w->AddHostFunction(10, [](absl::Span<const uint64_t> args) -> absl::StatusOr<std::vector<uint64_t>> {
    return std::vector<uint64_t>{static_cast<uint32_t>(args[0] * 2)};
  });
  w->AddHostFunction(11, [](absl::Span<const uint64_t>) -> absl::StatusOr<std::vector<uint64_t>> {
    return absl::InternalError("boom");
  });
  EXPECT_TRUE(w->DefineHostFunction(1, 10, FuncType{{ValType::kI32}, {ValType::kI32}}).ok());
  EXPECT_TRUE(w->DefineHostFunction(2, 11, FuncType{}).ok());
  EXPECT_TRUE(w->LoadModule(1, Wat("calc")).ok());
  absl::Status s = w->Instantiate(1, 1, {Object(1), Object(2)});
  EXPECT_TRUE(s.ok()) << s;
  return w;
}

TEST(WorkerConnectionTest, CallsExportsAndReadsGlobals) {
  std::unique_ptr<WorkerConnection> w = CalcWorker();
  absl::StatusOr<std::vector<uint64_t>> r = w->CallExport(1, "add", {2, 3});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, std::vector<uint64_t>{5});
  double d = 2.5;
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  r = w->CallExport(1, "swap", {7, bits});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (std::vector<uint64_t>{bits, 7}));
  absl::StatusOr<uint64_t> g = w->GetGlobal(1, "answer");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(*g, 42u);
  EXPECT_TRUE(absl::IsNotFound(w->CallExport(1, "nope", {}).status()));
  EXPECT_FALSE(w->CallExport(1, "add", {1}).ok());  // wrong arity: an error, not a crash
  EXPECT_TRUE(w->health().ok());
}

TEST(WorkerConnectionTest, TrapsComeBackWithTheirKindAndBacktrace) {
  std::unique_ptr<WorkerConnection> w = CalcWorker();
  absl::StatusOr<std::vector<uint64_t>> r = w->CallExport(1, "div", {1, 0});
  EXPECT_EQ(GetTrapKind(r.status()), TrapKind::kIntegerDivideByZero);
  EXPECT_THAT(std::string(r.status().message()), StartsWith("integer divide by zero\n  at func 3"));
  // The worker is fine afterwards.
  r = w->CallExport(1, "div", {9, 3});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, std::vector<uint64_t>{3});
}

TEST(WorkerConnectionTest, HostFunctionsRunInTheBroker) {
  std::unique_ptr<WorkerConnection> w = CalcWorker();
  absl::StatusOr<std::vector<uint64_t>> r = w->CallExport(1, "double_plus_one", {20});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, std::vector<uint64_t>{41});
  r = w->CallExport(1, "calls_fail", {});
  EXPECT_EQ(GetTrapKind(r.status()), TrapKind::kHostError);
  EXPECT_THAT(std::string(r.status().message()), StartsWith("host function failed: boom"));
}

TEST(WorkerConnectionTest, CallsNestAHundredDeep) {
  std::unique_ptr<WorkerConnection> w = SpawnWorker();
  WorkerConnection* raw = w.get();
  int deepest = 0;
  w->AddHostFunction(1, [raw, &deepest](absl::Span<const uint64_t> args)
                            -> absl::StatusOr<std::vector<uint64_t>> {
    deepest = std::max(deepest, 100 - static_cast<int>(args[0]));
    return raw->CallExport(1, "down", {args[0]});  // host -> wasm again
  });
  ASSERT_TRUE(w->DefineHostFunction(1, 1, FuncType{{ValType::kI32}, {ValType::kI32}}).ok());
  ASSERT_TRUE(w->LoadModule(1, Wat("nest")).ok());
  ASSERT_TRUE(w->Instantiate(1, 1, {Object(1)}).ok());
  absl::StatusOr<std::vector<uint64_t>> r = w->CallExport(1, "down", {100});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, std::vector<uint64_t>{100});
  EXPECT_EQ(deepest, 100);
}

TEST(WorkerConnectionTest, ATrapDeepInsideNestedCallsKeepsItsKind) {
  // host.double calls div(1, 0) back in the worker: wasm -> host -> wasm trap.
  std::unique_ptr<WorkerConnection> w = SpawnWorker();
  WorkerConnection* raw = w.get();
  w->AddHostFunction(10, [raw](absl::Span<const uint64_t>) -> absl::StatusOr<std::vector<uint64_t>> {
    return raw->CallExport(1, "div", {1, 0});
  });
  w->AddHostFunction(11, [](absl::Span<const uint64_t>) -> absl::StatusOr<std::vector<uint64_t>> {
    return std::vector<uint64_t>{};
  });
  ASSERT_TRUE(w->DefineHostFunction(1, 10, FuncType{{ValType::kI32}, {ValType::kI32}}).ok());
  ASSERT_TRUE(w->DefineHostFunction(2, 11, FuncType{}).ok());
  ASSERT_TRUE(w->LoadModule(1, Wat("calc")).ok());
  ASSERT_TRUE(w->Instantiate(1, 1, {Object(1), Object(2)}).ok());
  absl::StatusOr<std::vector<uint64_t>> r = w->CallExport(1, "double_plus_one", {5});
  EXPECT_EQ(GetTrapKind(r.status()), TrapKind::kIntegerDivideByZero) << r.status();
  EXPECT_THAT(std::string(r.status().message()), StartsWith("integer divide by zero"));
  // A host function that answers with the wrong number of results traps too.
  EXPECT_EQ(*w->CallExport(1, "calls_fail", {}), std::vector<uint64_t>{});
  w->AddHostFunction(10, [](absl::Span<const uint64_t>) -> absl::StatusOr<std::vector<uint64_t>> {
    return std::vector<uint64_t>{1, 2};
  });
  r = w->CallExport(1, "double_plus_one", {5});
  EXPECT_THAT(std::string(r.status().message()),
              StartsWith("host function failed: returned 2 values, expected 1"));
  EXPECT_TRUE(w->health().ok());
}

TEST(WorkerConnectionTest, MemoryAndGlobalAreSharedSegments) {
  absl::StatusOr<std::unique_ptr<LinearMemory>> memory =
      LinearMemory::Create(1, 4, MemorySharing::kUnshared);
  ASSERT_TRUE(memory.ok());
  absl::StatusOr<std::unique_ptr<GlobalSegment>> counter =
      GlobalSegment::Create({ValType::kI32, Mutability::kVar}, 40);
  ASSERT_TRUE(counter.ok());
  std::unique_ptr<WorkerConnection> w = SpawnWorker();
  ASSERT_TRUE(w->DefineMemory(1, MemoryType{Limits{1, 4}}, (*memory)->fd()).ok());
  ASSERT_TRUE(w->DefineGlobal(2, (*counter)->type(), (*counter)->fd()).ok());
  ASSERT_TRUE(w->LoadModule(1, Wat("shared")).ok());
  absl::Status s = w->Instantiate(1, 1, {Object(1), Object(2)});
  ASSERT_TRUE(s.ok()) << s;

  absl::StatusOr<std::vector<uint64_t>> stored = w->CallExport(1, "store", {8, 0xdeadbeef});
  ASSERT_TRUE(stored.ok()) << stored.status();
  uint32_t seen;
  std::memcpy(&seen, (*memory)->base() + 8, 4);
  EXPECT_EQ(seen, 0xdeadbeef);
  const uint32_t from_host = 1234;
  std::memcpy((*memory)->base() + 100, &from_host, 4);
  EXPECT_EQ(*w->CallExport(1, "load", {100}), std::vector<uint64_t>{1234});

  EXPECT_EQ(*w->CallExport(1, "bump", {}), std::vector<uint64_t>{41});
  EXPECT_EQ((*counter)->cell()->Get(ValType::kI32), 41u);
  (*counter)->cell()->Set(ValType::kI32, 99);
  EXPECT_EQ(*w->CallExport(1, "bump", {}), std::vector<uint64_t>{100});

  // memory.grow in the worker grows the shared memfd; the broker catches up.
  EXPECT_EQ(*w->CallExport(1, "grow", {2}), std::vector<uint64_t>{1});
  ASSERT_TRUE((*memory)->MapGrownPages().ok());
  EXPECT_EQ((*memory)->pages(), 3u);
  ASSERT_TRUE(w->CallExport(1, "store", {3 * 65536 - 4, 7}).ok());
  std::memcpy(&seen, (*memory)->base() + 3 * 65536 - 4, 4);
  EXPECT_EQ(seen, 7u);
  EXPECT_EQ(*w->CallExport(1, "grow", {2}), std::vector<uint64_t>{0xffffffffu});  // past max 4
  // The broker grows it: the worker sees the page at its next request.
  ASSERT_TRUE((*memory)->Grow(1).ok());
  EXPECT_EQ(*w->CallExport(1, "size", {}), std::vector<uint64_t>{4});
  ASSERT_TRUE(w->CallExport(1, "store", {4 * 65536 - 4, 9}).ok());
  std::memcpy(&seen, (*memory)->base() + 4 * 65536 - 4, 4);
  EXPECT_EQ(seen, 9u);
}

TEST(WorkerConnectionTest, InstancesInOneWorkerLinkToEachOther) {
  std::unique_ptr<WorkerConnection> w = CalcWorker();
  ASSERT_TRUE(w->LoadModule(2, Wat("link")).ok());
  ipc::ImportBinding add;
  add.mutable_instance_export()->set_instance_id(1);
  add.mutable_instance_export()->set_name("add");
  absl::Status s = w->Instantiate(2, 2, {add});
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(*w->CallExport(2, "add3", {1, 2, 3}), std::vector<uint64_t>{6});
}

TEST(WorkerConnectionTest, UnresolvedAndMistypedImportsAreLinkErrors) {
  std::unique_ptr<WorkerConnection> w = SpawnWorker();
  ASSERT_TRUE(w->LoadModule(1, Wat("link")).ok());
  ipc::ImportBinding none;
  none.mutable_unresolved();
  absl::Status s = w->Instantiate(1, 1, {none});
  EXPECT_EQ(GetInstanceErrorKind(s), InstanceErrorKind::kLink);
  EXPECT_THAT(std::string(s.message()), StartsWith("unknown import"));
  ASSERT_TRUE(w->DefineHostFunction(5, 1, FuncType{}).ok());
  s = w->Instantiate(2, 1, {Object(5)});
  EXPECT_EQ(GetInstanceErrorKind(s), InstanceErrorKind::kLink);
  EXPECT_THAT(std::string(s.message()), StartsWith("incompatible import type"));
}

TEST(WorkerConnectionTest, ACrashedWorkerIsReportedAndOthersGoOn) {
  std::unique_ptr<WorkerConnection> a = CalcWorker();
  std::unique_ptr<WorkerConnection> b = CalcWorker();
  absl::Status s = a->SendTestHook(ipc::TestHook::CRASH);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_EQ(s.message(), "worker crashed: SIGSEGV");
  // Every later call gets the same error, at once.
  EXPECT_EQ(a->CallExport(1, "add", {1, 2}).status().message(), "worker crashed: SIGSEGV");
  EXPECT_EQ(*b->CallExport(1, "add", {1, 2}), std::vector<uint64_t>{3});
}

TEST(WorkerConnectionTest, GarbageFromAWorkerKillsIt) {
  std::unique_ptr<WorkerConnection> w = CalcWorker();
  absl::Status s = w->SendTestHook(ipc::TestHook::SEND_GARBAGE);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_EQ(s.message(), "worker sent a malformed message: not an Envelope");
  EXPECT_FALSE(w->CallExport(1, "add", {1, 2}).ok());
}

TEST(WorkerConnectionTest, AReplyToNothingKillsTheWorker) {
  std::unique_ptr<WorkerConnection> w = CalcWorker();
  absl::Status s = w->SendTestHook(ipc::TestHook::SEND_BAD_REPLY);
  EXPECT_THAT(std::string(s.message()), HasSubstr("which is not outstanding"));
}

TEST(WorkerConnectionTest, AHungWorkerMissesItsDeadline) {
  std::unique_ptr<WorkerConnection> w = SpawnWorker(absl::Milliseconds(200));
  absl::Status s = w->SendTestHook(ipc::TestHook::HANG);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_EQ(s.message(), "deadline exceeded after 0.2 s");
}

}  // namespace
}  // namespace wasm::host
