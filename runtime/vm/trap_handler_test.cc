// End to end: hand-written x86-64 in CodeMemory, registered with its trap
// sites, called through CallWithTrapHandling. Checks each kind of trap, memory
// faults on a real LinearMemory, stack exhaustion, nested entries, threads,
// and that signals outside JIT code are not swallowed.
//
// Every byte sequence was checked with
//   objdump -D -b binary -mi386:x86-64 -M intel
#include "runtime/vm/trap_handler.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/vm/code_memory.h"
#include "runtime/vm/code_registry.h"
#include "runtime/vm/linear_memory.h"
#include "runtime/vm/signal_stack.h"
#include "runtime/vm/trap.h"

namespace wasm {
namespace {

// ---------------------------------------------------------------------------
// A SIGSEGV handler installed before ours (by a static initialiser, so before
// the first CallWithTrapHandling installs the trap handlers): checks that
// signals which are not traps reach the previous handler.
std::atomic<bool> g_previous_handler_exits{false};

void PreviousSegvHandler(int, siginfo_t*, void*) {
  if (g_previous_handler_exits.load()) _exit(42);
  signal(SIGSEGV, SIG_DFL);
  raise(SIGSEGV);
}

const bool g_previous_installed = [] {
  struct sigaction action = {};
  action.sa_sigaction = PreviousSegvHandler;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  return sigaction(SIGSEGV, &action, nullptr) == 0;
}();

// ---------------------------------------------------------------------------
// Machine code.

// 0: ud2 ; 2: ud2 ; 4: ud2 — three trap sites, entered at each one.
constexpr uint8_t kThreeUd2[] = {0x0f, 0x0b, 0x0f, 0x0b, 0x0f, 0x0b};

// uint32_t Load(uint8_t* base, uint32_t index, uint32_t offset):
// the JIT's addressing: base + zext(index) + zext(offset).
constexpr uint8_t kLoad[] = {
    0x89, 0xf6,        // mov esi, esi
    0x89, 0xd2,        // mov edx, edx
    0x48, 0x01, 0xd6,  // add rsi, rdx
    0x8b, 0x04, 0x37,  // mov eax, [rdi + rsi]
    0xc3,              // ret
};
constexpr size_t kLoadInstruction = 7;

// void Store(uint8_t* base, uint32_t index, uint32_t offset, uint32_t value)
constexpr uint8_t kStore[] = {
    0x89, 0xf6,        // mov esi, esi
    0x89, 0xd2,        // mov edx, edx
    0x48, 0x01, 0xd6,  // add rsi, rdx
    0x89, 0x0c, 0x37,  // mov [rdi + rsi], ecx
    0xc3,              // ret
};

// int32_t Divide(int32_t a, int32_t b)
constexpr uint8_t kDivide[] = {
    0x89, 0xf8,  // mov eax, edi
    0x99,        // cdq
    0xf7, 0xfe,  // idiv esi
    0xc3,        // ret
};
constexpr size_t kIdivInstruction = 3;

// Infinite recursion: call itself until the stack runs out.
constexpr uint8_t kRecurse[] = {0xe8, 0xfb, 0xff, 0xff, 0xff};  // call 0

// void CallHost(HostFn fn, void* arg): calls fn(fn, arg), returns.
constexpr uint8_t kCallHost[] = {
    0x48, 0x83, 0xec, 0x08,  // sub rsp, 8   (16-byte alignment for the call)
    0xff, 0xd7,              // call rdi
    0x48, 0x83, 0xc4, 0x08,  // add rsp, 8
    0xc3,                    // ret
};

// void CallHostThenTrap(HostFn fn, void* arg): calls fn(fn, arg), then ud2.
constexpr uint8_t kCallHostThenTrap[] = {
    0x48, 0x83, 0xec, 0x08,  // sub rsp, 8
    0xff, 0xd7,              // call rdi
    0x0f, 0x0b,              // ud2
};
constexpr size_t kUd2AfterCall = 6;

using VoidFn = void();
using LoadFn = uint32_t(uint8_t*, uint32_t, uint32_t);
using StoreFn = void(uint8_t*, uint32_t, uint32_t, uint32_t);
using DivideFn = int32_t(int32_t, int32_t);
using HostFn = void(void* self, void* arg);
using CallHostFn = void(HostFn*, void*);

// One "module": snippets laid out back to back in CodeMemory, registered
// with their trap sites (offsets relative to each snippet).
class TestModule {
 public:
  // Appends `bytes`; returns the snippet's offset.
  size_t Add(absl::Span<const uint8_t> bytes, std::vector<TrapSite> sites = {}) {
    const size_t offset = bytes_.size();
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    for (TrapSite site : sites) {
      site.code_offset += static_cast<uint32_t>(offset);
      sites_.push_back(site);
    }
    return offset;
  }

  void Finish() {
    absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(bytes_);
    ASSERT_TRUE(code.ok()) << code.status();
    code_ = *std::move(code);
    absl::StatusOr<CodeRegistration> registration = RegisterJitCode(code_->code(), sites_);
    ASSERT_TRUE(registration.ok()) << registration.status();
    registration_ = *std::move(registration);
  }

  template <typename Fn>
  Fn* Entry(size_t offset) const {
    return code_->EntryPoint<Fn>(offset);
  }
  uintptr_t Address(size_t offset) const {
    return reinterpret_cast<uintptr_t>(code_->start()) + offset;
  }
  void Unregister() { registration_.Reset(); }

 private:
  std::vector<uint8_t> bytes_;
  std::vector<TrapSite> sites_;
  std::unique_ptr<CodeMemory> code_;
  CodeRegistration registration_;
};

class TrapHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(g_previous_installed);
    ud2_ = module_.Add(kThreeUd2, {{0, TrapKind::kUnreachable},
                                   {2, TrapKind::kIntegerDivideByZero},
                                   {4, TrapKind::kSignatureMismatch}});
    load_ = module_.Add(kLoad);
    store_ = module_.Add(kStore);
    divide_ = module_.Add(kDivide);
    divide_with_site_ =
        module_.Add(kDivide, {{kIdivInstruction, TrapKind::kIntegerOverflow}});
    recurse_ = module_.Add(kRecurse);
    call_host_ = module_.Add(kCallHost);
    call_host_then_trap_ =
        module_.Add(kCallHostThenTrap, {{kUd2AfterCall, TrapKind::kUnreachable}});
    inner_trap_ = module_.Add(kThreeUd2, {{0, TrapKind::kIntegerOverflow},
                                          {2, TrapKind::kTableOutOfBounds},
                                          {4, TrapKind::kNullReference}});
    module_.Finish();
  }

  std::optional<Trap> Load(const LinearMemory& memory, uint32_t index, uint32_t offset,
                           uint32_t* result) {
    LoadFn* load = module_.Entry<LoadFn>(load_);
    return CallWithTrapHandling([&] { *result = load(memory.base(), index, offset); });
  }

  TestModule module_;
  size_t ud2_, load_, store_, divide_, divide_with_site_, recurse_, call_host_,
      call_host_then_trap_, inner_trap_;
};

std::unique_ptr<LinearMemory> MustCreateMemory(uint64_t pages) {
  absl::StatusOr<std::unique_ptr<LinearMemory>> memory =
      LinearMemory::Create(pages, std::nullopt, MemorySharing::kUnshared);
  EXPECT_TRUE(memory.ok()) << memory.status();
  return memory.ok() ? *std::move(memory) : nullptr;
}

// ---------------------------------------------------------------------------
// Explicit trap sites.

TEST_F(TrapHandlerTest, NormalReturnIsNoTrap) {
  DivideFn* divide = module_.Entry<DivideFn>(divide_);
  int32_t result = 0;
  std::optional<Trap> trap = CallWithTrapHandling([&] { result = divide(84, 2); });
  EXPECT_EQ(trap, std::nullopt);
  EXPECT_EQ(result, 42);
  EXPECT_EQ(ActiveTrapEntries(), 0);
}

TEST_F(TrapHandlerTest, Ud2SitesReturnTheirKindAndPc) {
  const TrapKind expected[] = {TrapKind::kUnreachable, TrapKind::kIntegerDivideByZero,
                               TrapKind::kSignatureMismatch};
  for (size_t i = 0; i < 3; ++i) {
    const size_t offset = ud2_ + 2 * i;
    std::optional<Trap> trap = CallWithTrapHandling([&] { module_.Entry<VoidFn>(offset)(); });
    ASSERT_TRUE(trap.has_value()) << i;
    EXPECT_EQ(trap->kind, expected[i]) << TrapKindName(trap->kind);
    EXPECT_EQ(trap->pc, module_.Address(offset));
    EXPECT_EQ(trap->fault_address, 0u);
    EXPECT_NE(trap->stack_pointer, 0u);
  }
  EXPECT_EQ(ActiveTrapEntries(), 0);
}

TEST_F(TrapHandlerTest, HardwareDivideByZero) {
  DivideFn* divide = module_.Entry<DivideFn>(divide_);
  std::optional<Trap> trap = CallWithTrapHandling([&] { divide(1, 0); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::kIntegerDivideByZero);
  EXPECT_EQ(trap->pc, module_.Address(divide_ + kIdivInstruction));
}

TEST_F(TrapHandlerTest, ATrapSiteOverridesTheSignalsOwnKind) {
  // INT_MIN / -1 raises the same #DE as a division by zero; a JIT that wants
  // "integer overflow" registers the idiv itself as a site.
  DivideFn* divide = module_.Entry<DivideFn>(divide_with_site_);
  std::optional<Trap> trap = CallWithTrapHandling([&] { divide(INT32_MIN, -1); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::kIntegerOverflow);
}

TEST_F(TrapHandlerTest, ManyTrapsInARow) {
  absl::StatusOr<ScopedAltSignalStack> alt_stack = ScopedAltSignalStack::Install();
  ASSERT_TRUE(alt_stack.ok()) << alt_stack.status();
  VoidFn* fn = module_.Entry<VoidFn>(ud2_);
  for (int i = 0; i < 10000; ++i) {
    std::optional<Trap> trap = CallWithTrapHandling(fn);
    ASSERT_TRUE(trap.has_value()) << i;
    ASSERT_EQ(trap->kind, TrapKind::kUnreachable) << i;
  }
  EXPECT_EQ(ActiveTrapEntries(), 0);
}

// ---------------------------------------------------------------------------
// Memory faults on a LinearMemory.

TEST_F(TrapHandlerTest, InBoundsLoadReadsTheMemory) {
  auto memory = MustCreateMemory(1);
  ASSERT_NE(memory, nullptr);
  memory->base()[LinearMemory::kPageBytes - 4] = 0x2a;
  uint32_t value = 0;
  EXPECT_EQ(Load(*memory, LinearMemory::kPageBytes - 8, 4, &value), std::nullopt);
  EXPECT_EQ(value, 0x2au);
}

TEST_F(TrapHandlerTest, LoadPastTheSizeIsOutOfBounds) {
  auto memory = MustCreateMemory(1);
  ASSERT_NE(memory, nullptr);
  uint32_t value = 0;
  std::optional<Trap> trap = Load(*memory, LinearMemory::kPageBytes, 0, &value);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(trap->pc, module_.Address(load_ + kLoadInstruction));
  EXPECT_EQ(trap->fault_address,
            reinterpret_cast<uintptr_t>(memory->base()) + LinearMemory::kPageBytes);
}

TEST_F(TrapHandlerTest, AccessStraddlingTheEndIsOutOfBounds) {
  auto memory = MustCreateMemory(1);
  ASSERT_NE(memory, nullptr);
  uint32_t value = 0;
  std::optional<Trap> trap = Load(*memory, LinearMemory::kPageBytes - 2, 0, &value);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::kMemoryOutOfBounds);
}

TEST_F(TrapHandlerTest, LargestIndexPlusLargestOffsetStaysInTheReservation) {
  auto memory = MustCreateMemory(1);
  ASSERT_NE(memory, nullptr);
  uint32_t value = 0;
  std::optional<Trap> trap = Load(*memory, 0xffffffffu, 0xffffffffu, &value);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::kMemoryOutOfBounds);
  const uintptr_t base = reinterpret_cast<uintptr_t>(memory->base());
  EXPECT_EQ(trap->fault_address, base + 0x1fffffffeull);
  EXPECT_LT(trap->fault_address + 4, base + LinearMemory::kReservationBytes);
}

TEST_F(TrapHandlerTest, StorePastTheSizeIsOutOfBoundsAndWritesNothing) {
  auto memory = MustCreateMemory(2);
  ASSERT_NE(memory, nullptr);
  StoreFn* store = module_.Entry<StoreFn>(store_);
  std::optional<Trap> trap = CallWithTrapHandling(
      [&] { store(memory->base(), 2 * LinearMemory::kPageBytes, 0, 0x12345678); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(CallWithTrapHandling([&] { store(memory->base(), 16, 0x10, 0x12345678); }),
            std::nullopt);
  EXPECT_EQ(memory->base()[32], 0x78);
}

TEST_F(TrapHandlerTest, ZeroPageMemoryFaultsAtIndexZero) {
  auto memory = MustCreateMemory(0);
  ASSERT_NE(memory, nullptr);
  uint32_t value = 0;
  std::optional<Trap> trap = Load(*memory, 0, 0, &value);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(trap->fault_address, reinterpret_cast<uintptr_t>(memory->base()));
}

TEST_F(TrapHandlerTest, GrowMakesAFaultingAddressValid) {
  auto memory = MustCreateMemory(1);
  ASSERT_NE(memory, nullptr);
  uint32_t value = 7;
  ASSERT_TRUE(Load(*memory, LinearMemory::kPageBytes, 0, &value).has_value());
  ASSERT_TRUE(memory->Grow(1).ok());
  EXPECT_EQ(Load(*memory, LinearMemory::kPageBytes, 0, &value), std::nullopt);
  EXPECT_EQ(value, 0u);
}

TEST_F(TrapHandlerTest, SigbusInJitCodeIsOutOfBounds) {
  // A file mapping past the end of its file raises SIGBUS, not SIGSEGV.
  const long page = sysconf(_SC_PAGESIZE);
  const int fd = memfd_create("sigbus", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, page), 0);
  void* mapping = mmap(nullptr, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  ASSERT_NE(mapping, MAP_FAILED);
  LoadFn* load = module_.Entry<LoadFn>(load_);
  std::optional<Trap> trap = CallWithTrapHandling(
      [&] { load(static_cast<uint8_t*>(mapping), static_cast<uint32_t>(page), 0); });
  munmap(mapping, 2 * page);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::kMemoryOutOfBounds);
}

// ---------------------------------------------------------------------------
// Stack exhaustion.

TEST_F(TrapHandlerTest, RunawayRecursionIsCallStackExhausted) {
  std::optional<Trap> trap;
  absl::Status alt_stack_status;
  std::thread thread([&] {
    absl::StatusOr<ScopedAltSignalStack> alt_stack = ScopedAltSignalStack::Install();
    alt_stack_status = alt_stack.status();
    if (!alt_stack.ok()) return;
    trap = CallWithTrapHandling(module_.Entry<VoidFn>(recurse_));
  });
  thread.join();
  ASSERT_TRUE(alt_stack_status.ok()) << alt_stack_status;
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::kCallStackExhausted);
  EXPECT_EQ(trap->pc, module_.Address(recurse_));
  // The faulting push is just below rsp.
  EXPECT_EQ(trap->fault_address, trap->stack_pointer - 8);
}

// ---------------------------------------------------------------------------
// Nested entries: wasm -> host -> wasm.

struct NestedState {
  const TestModule* module;
  size_t inner_offset;
  std::optional<Trap> inner_trap = std::nullopt;
  int entries_in_host = -1;
  int entries_in_inner = -1;
};

void HostCallingWasm(void*, void* arg) {
  NestedState* state = static_cast<NestedState*>(arg);
  state->entries_in_host = ActiveTrapEntries();
  VoidFn* inner = state->module->Entry<VoidFn>(state->inner_offset);
  state->inner_trap = CallWithTrapHandling([&] {
    state->entries_in_inner = ActiveTrapEntries();
    inner();
  });
}

TEST_F(TrapHandlerTest, InnerTrapReturnsToTheInnerEntry) {
  NestedState state{&module_, inner_trap_ + 2};
  CallHostFn* outer = module_.Entry<CallHostFn>(call_host_);
  std::optional<Trap> outer_trap = CallWithTrapHandling([&] { outer(HostCallingWasm, &state); });
  EXPECT_EQ(outer_trap, std::nullopt);  // the outer wasm code returned normally
  ASSERT_TRUE(state.inner_trap.has_value());
  EXPECT_EQ(state.inner_trap->kind, TrapKind::kTableOutOfBounds);
  EXPECT_EQ(state.entries_in_host, 1);
  EXPECT_EQ(state.entries_in_inner, 2);
  EXPECT_EQ(ActiveTrapEntries(), 0);
}

TEST_F(TrapHandlerTest, OuterTrapAfterAnInnerTrapReturnsToTheOuterEntry) {
  NestedState state{&module_, inner_trap_ + 4};
  CallHostFn* outer = module_.Entry<CallHostFn>(call_host_then_trap_);
  std::optional<Trap> outer_trap = CallWithTrapHandling([&] { outer(HostCallingWasm, &state); });
  ASSERT_TRUE(state.inner_trap.has_value());
  EXPECT_EQ(state.inner_trap->kind, TrapKind::kNullReference);
  ASSERT_TRUE(outer_trap.has_value());
  EXPECT_EQ(outer_trap->kind, TrapKind::kUnreachable);
  EXPECT_EQ(outer_trap->pc, module_.Address(call_host_then_trap_ + kUd2AfterCall));
  EXPECT_EQ(ActiveTrapEntries(), 0);
}

TEST_F(TrapHandlerTest, InnerNormalReturnThenOuterTrap) {
  // The inner wasm code divides normally; the outer one then traps.
  struct State {
    DivideFn* divide;
    int32_t result = 0;
    std::optional<Trap> inner_trap = Trap{};
  } state{module_.Entry<DivideFn>(divide_), 0, Trap{}};
  HostFn* host = [](void*, void* arg) {
    State* s = static_cast<State*>(arg);
    s->inner_trap = CallWithTrapHandling([&] { s->result = s->divide(9, 3); });
  };
  CallHostFn* outer = module_.Entry<CallHostFn>(call_host_then_trap_);
  std::optional<Trap> outer_trap = CallWithTrapHandling([&] { outer(host, &state); });
  EXPECT_EQ(state.inner_trap, std::nullopt);
  EXPECT_EQ(state.result, 3);
  ASSERT_TRUE(outer_trap.has_value());
  EXPECT_EQ(outer_trap->kind, TrapKind::kUnreachable);
}

// ---------------------------------------------------------------------------
// Threads: each thread's trap returns to its own entry.

TEST_F(TrapHandlerTest, ConcurrentTrapsOnManyThreads) {
  constexpr int kThreads = 4;
  std::atomic<int> correct{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const size_t offset = ud2_ + 2 * (t % 3);
      const TrapKind expected = t % 3 == 0   ? TrapKind::kUnreachable
                                : t % 3 == 1 ? TrapKind::kIntegerDivideByZero
                                             : TrapKind::kSignatureMismatch;
      for (int i = 0; i < 2000; ++i) {
        std::optional<Trap> trap = CallWithTrapHandling(module_.Entry<VoidFn>(offset));
        if (trap.has_value() && trap->kind == expected) correct.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(correct.load(), kThreads * 2000);
}

// ---------------------------------------------------------------------------
// Signals that are not traps are not swallowed.

// A PROT_NONE page: reading it is a host crash.
uint8_t* ProtNonePage() {
  void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return page == MAP_FAILED ? nullptr : static_cast<uint8_t*>(page);
}

void HostCrash(uint8_t* page) {
  volatile uint8_t* p = page;
  (void)*p;
}

using TrapHandlerDeathTest = TrapHandlerTest;

TEST_F(TrapHandlerDeathTest, HostSegfaultInsideAnEntryStillCrashes) {
  uint8_t* page = ProtNonePage();
  ASSERT_NE(page, nullptr);
  EXPECT_EXIT(CallWithTrapHandling([&] { HostCrash(page); }),
              ::testing::KilledBySignal(SIGSEGV), "");
}

TEST_F(TrapHandlerDeathTest, HostSegfaultOutsideAnEntryStillCrashes) {
  ASSERT_TRUE(InstallTrapHandlers().ok());
  uint8_t* page = ProtNonePage();
  ASSERT_NE(page, nullptr);
  EXPECT_EXIT(HostCrash(page), ::testing::KilledBySignal(SIGSEGV), "");
}

TEST_F(TrapHandlerDeathTest, HostSegfaultReachesThePreviousHandler) {
  uint8_t* page = ProtNonePage();
  ASSERT_NE(page, nullptr);
  EXPECT_EXIT(
      {
        g_previous_handler_exits.store(true);
        CallWithTrapHandling([&] { HostCrash(page); });
      },
      ::testing::ExitedWithCode(42), "");
}

TEST_F(TrapHandlerDeathTest, HostCrashCalledFromWasmStillCrashes) {
  // wasm -> host, and the host function crashes: its PC is not JIT code.
  CallHostFn* outer = module_.Entry<CallHostFn>(call_host_);
  HostFn* crash = [](void*, void*) { HostCrash(ProtNonePage()); };
  EXPECT_EXIT(CallWithTrapHandling([&] { outer(crash, nullptr); }),
              ::testing::KilledBySignal(SIGSEGV), "");
}

TEST_F(TrapHandlerDeathTest, SentSignalInsideAnEntryIsNotATrap) {
  EXPECT_EXIT(CallWithTrapHandling([] { raise(SIGSEGV); }), ::testing::KilledBySignal(SIGSEGV),
              "");
}

TEST_F(TrapHandlerDeathTest, JitTrapWithoutAnEntryCrashes) {
  ASSERT_TRUE(InstallTrapHandlers().ok());
  EXPECT_EXIT(module_.Entry<VoidFn>(ud2_)(), ::testing::KilledBySignal(SIGILL), "");
}

TEST_F(TrapHandlerDeathTest, UnregisteredCodeIsNotJitCode) {
  VoidFn* fn = module_.Entry<VoidFn>(ud2_);
  module_.Unregister();
  EXPECT_EXIT(CallWithTrapHandling(fn), ::testing::KilledBySignal(SIGILL), "");
}

TEST_F(TrapHandlerDeathTest, StackOverflowWithoutAnAlternateStackKills) {
  // Without an alternate signal stack the kernel cannot run the handler.
  VoidFn* recurse = module_.Entry<VoidFn>(recurse_);
  EXPECT_EXIT(
      {
        std::thread thread([&] { CallWithTrapHandling(recurse); });
        thread.join();
      },
      ::testing::KilledBySignal(SIGSEGV), "");
}

TEST(TrapHandlerInstallTest, IsIdempotent) {
  ASSERT_TRUE(InstallTrapHandlers().ok());
  struct sigaction first;
  ASSERT_EQ(sigaction(SIGILL, nullptr, &first), 0);
  ASSERT_TRUE(InstallTrapHandlers().ok());
  struct sigaction second;
  ASSERT_EQ(sigaction(SIGILL, nullptr, &second), 0);
  EXPECT_EQ(first.sa_sigaction, second.sa_sigaction);
  EXPECT_NE(first.sa_flags & SA_ONSTACK, 0);
  EXPECT_NE(first.sa_flags & SA_SIGINFO, 0);
}

}  // namespace
}  // namespace wasm
