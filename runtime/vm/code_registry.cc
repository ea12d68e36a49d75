// The registry's slot array, its publication protocol and the lookup.
#include "runtime/vm/code_registry.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace wasm {
namespace {

enum SlotState : uint32_t { kFree = 0, kActive = 1 };

struct Slot {
  std::atomic<uint32_t> state{kFree};
  std::atomic<uintptr_t> start{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<const TrapSite*> sites{nullptr};
  std::atomic<size_t> num_sites{0};
  std::atomic<const uint32_t*> function_starts{nullptr};
  std::atomic<size_t> num_functions{0};
  std::atomic<uint32_t> functions_end{0};
  std::atomic<uint32_t> first_function_index{0};
};

static_assert(std::atomic<uint32_t>::is_always_lock_free);
static_assert(std::atomic<uintptr_t>::is_always_lock_free);
static_assert(std::atomic<const TrapSite*>::is_always_lock_free);
static_assert(std::atomic<size_t>::is_always_lock_free);
static_assert(std::atomic<const uint32_t*>::is_always_lock_free);

// Zero-initialised statics, no constructors run: usable from a signal
// handler at any time, even during static initialisation.
constinit Slot g_slots[kMaxJitCodeRanges];
// Slots at index >= g_slots_in_use have never been used; lookups stop there.
constinit std::atomic<int> g_slots_in_use{0};
// Lookups in flight, counted in two halves as in a minimal RCU: a lookup
// counts itself in g_readers[g_epoch & 1]; Unregister flips the epoch and
// waits only for the half that lookups started before the flip use, so a
// stream of new lookups cannot starve it.
constinit std::atomic<uint32_t> g_epoch{0};
constinit std::atomic<int> g_readers[2] = {0, 0};

// Serialises registration and unregistration; never taken by lookups.
absl::Mutex& RegistryMutex() {
  static absl::Mutex* mutex = new absl::Mutex();
  return *mutex;
}

bool SiteLess(const TrapSite& a, const TrapSite& b) { return a.code_offset < b.code_offset; }

absl::Status CheckSites(const std::vector<TrapSite>& sorted, size_t code_size) {
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i].code_offset >= code_size) {
      return absl::InvalidArgumentError(
          absl::StrCat("code registry: trap site at offset ", sorted[i].code_offset,
                       " is outside the ", code_size, " code bytes"));
    }
    if (static_cast<size_t>(sorted[i].kind) >= kNumTrapKinds) {
      return absl::InvalidArgumentError(
          absl::StrCat("code registry: trap site at offset ", sorted[i].code_offset,
                       " has no valid kind"));
    }
    if (i > 0 && sorted[i - 1].code_offset == sorted[i].code_offset) {
      return absl::InvalidArgumentError(absl::StrCat(
          "code registry: two trap sites at offset ", sorted[i].code_offset));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckFunctions(const JitFunctionTable& functions, size_t code_size) {
  if (functions.starts.empty()) return absl::OkStatus();
  for (size_t i = 1; i < functions.starts.size(); ++i) {
    if (functions.starts[i - 1] >= functions.starts[i]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "code registry: function starts are not increasing at function ", i));
    }
  }
  if (functions.end <= functions.starts.back() || functions.end > code_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("code registry: the functions end at offset ", functions.end,
                     ", not after the last start ", functions.starts.back(), " and within the ",
                     code_size, " code bytes"));
  }
  if (functions.starts.size() - 1 > UINT32_MAX - functions.first_index) {
    return absl::InvalidArgumentError("code registry: function numbers overflow");
  }
  return absl::OkStatus();
}

// The largest k with sorted[k] <= value, or count if there is none.
// Hand-written for the same reason as the site search below.
size_t FloorIndex(const uint32_t* sorted, size_t count, uint64_t value) {
  size_t low = 0;
  size_t high = count;
  while (low < high) {  // first index with sorted[i] > value
    const size_t mid = low + (high - low) / 2;
    if (sorted[mid] <= value) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low == 0 ? count : low - 1;
}

void Unregister(int index) {
  absl::MutexLock lock(&RegistryMutex());
  Slot& slot = g_slots[index];
  const TrapSite* sites = slot.sites.load(std::memory_order_relaxed);
  const uint32_t* function_starts = slot.function_starts.load(std::memory_order_relaxed);
  // All seq_cst. A lookup that counted itself in the old half before we
  // read that half's count is waited for. Any other lookup loads the slot's
  // state after our store below (it counted itself after our read, or read
  // the flipped epoch), so it sees the slot free.
  slot.state.store(kFree, std::memory_order_seq_cst);
  const uint32_t old_half = g_epoch.fetch_add(1, std::memory_order_seq_cst) & 1;
  while (g_readers[old_half].load(std::memory_order_seq_cst) != 0) sched_yield();
  slot.sites.store(nullptr, std::memory_order_relaxed);
  slot.num_sites.store(0, std::memory_order_relaxed);
  slot.start.store(0, std::memory_order_relaxed);
  slot.end.store(0, std::memory_order_relaxed);
  slot.function_starts.store(nullptr, std::memory_order_relaxed);
  slot.num_functions.store(0, std::memory_order_relaxed);
  slot.functions_end.store(0, std::memory_order_relaxed);
  slot.first_function_index.store(0, std::memory_order_relaxed);
  delete[] sites;
  delete[] function_starts;
}

}  // namespace

CodeRegistration& CodeRegistration::operator=(CodeRegistration&& other) noexcept {
  if (this != &other) {
    Reset();
    slot_ = other.slot_;
    other.slot_ = -1;
  }
  return *this;
}

void CodeRegistration::Reset() {
  if (slot_ >= 0) Unregister(slot_);
  slot_ = -1;
}

absl::StatusOr<CodeRegistration> RegisterJitCode(absl::Span<const uint8_t> code,
                                                 std::vector<TrapSite> trap_sites,
                                                 const JitFunctionTable& functions) {
  if (code.empty()) return absl::InvalidArgumentError("code registry: empty code range");
  std::sort(trap_sites.begin(), trap_sites.end(), SiteLess);
  if (absl::Status status = CheckSites(trap_sites, code.size()); !status.ok()) return status;
  if (absl::Status status = CheckFunctions(functions, code.size()); !status.ok()) return status;
  const uintptr_t start = reinterpret_cast<uintptr_t>(code.data());
  const uintptr_t end = start + code.size();

  // Allocated outside the signal handler's reach; owned by the slot until
  // Unregister frees it.
  std::unique_ptr<TrapSite[]> sites(new TrapSite[trap_sites.size()]);
  std::copy(trap_sites.begin(), trap_sites.end(), sites.get());
  std::unique_ptr<uint32_t[]> function_starts;
  if (!functions.starts.empty()) {
    function_starts.reset(new uint32_t[functions.starts.size()]);
    std::copy(functions.starts.begin(), functions.starts.end(), function_starts.get());
  }

  absl::MutexLock lock(&RegistryMutex());
  const int in_use = g_slots_in_use.load(std::memory_order_relaxed);
  int free_slot = -1;
  for (int i = 0; i < in_use; ++i) {
    const Slot& slot = g_slots[i];
    if (slot.state.load(std::memory_order_relaxed) != kActive) {
      if (free_slot < 0) free_slot = i;
      continue;
    }
    if (start < slot.end.load(std::memory_order_relaxed) &&
        slot.start.load(std::memory_order_relaxed) < end) {
      return absl::AlreadyExistsError(
          absl::StrCat("code registry: range [0x", absl::Hex(start), ", 0x", absl::Hex(end),
                       ") overlaps a registered range"));
    }
  }
  if (free_slot < 0) {
    if (in_use == kMaxJitCodeRanges) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "code registry: all ", kMaxJitCodeRanges, " code ranges are registered"));
    }
    free_slot = in_use;
    // Published before the slot turns active, so a lookup that sees the slot
    // active also scans it.
    g_slots_in_use.store(in_use + 1, std::memory_order_seq_cst);
  }
  Slot& slot = g_slots[free_slot];
  slot.start.store(start, std::memory_order_relaxed);
  slot.end.store(end, std::memory_order_relaxed);
  slot.num_sites.store(trap_sites.size(), std::memory_order_relaxed);
  slot.sites.store(sites.release(), std::memory_order_relaxed);
  slot.num_functions.store(functions.starts.size(), std::memory_order_relaxed);
  slot.functions_end.store(functions.end, std::memory_order_relaxed);
  slot.first_function_index.store(functions.first_index, std::memory_order_relaxed);
  slot.function_starts.store(function_starts.release(), std::memory_order_relaxed);
  slot.state.store(kActive, std::memory_order_seq_cst);  // publishes the fields
  return CodeRegistration(free_slot);
}

JitCodeLookup LookupJitCode(uintptr_t pc) {
  JitCodeLookup result;
  const uint32_t half = g_epoch.load(std::memory_order_seq_cst) & 1;
  g_readers[half].fetch_add(1, std::memory_order_seq_cst);
  const int in_use = g_slots_in_use.load(std::memory_order_seq_cst);
  for (int i = 0; i < in_use; ++i) {
    const Slot& slot = g_slots[i];
    if (slot.state.load(std::memory_order_seq_cst) != kActive) continue;
    const uintptr_t start = slot.start.load(std::memory_order_relaxed);
    const uintptr_t end = slot.end.load(std::memory_order_relaxed);
    if (pc < start || pc >= end) continue;
    result.in_jit_code = true;
    result.code_start = start;
    const TrapSite* sites = slot.sites.load(std::memory_order_relaxed);
    const size_t count = slot.num_sites.load(std::memory_order_relaxed);
    const uint64_t offset = pc - start;
    // Hand-written binary search: std::lower_bound is fine too, but this
    // keeps the signal path free of anything that might not be inlined.
    size_t low = 0;
    size_t high = count;
    while (low < high) {
      const size_t mid = low + (high - low) / 2;
      if (sites[mid].code_offset < offset) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    if (low < count && sites[low].code_offset == offset) result.site = sites[low].kind;
    const uint32_t* starts = slot.function_starts.load(std::memory_order_relaxed);
    const size_t num_functions = slot.num_functions.load(std::memory_order_relaxed);
    const uint32_t functions_end = slot.functions_end.load(std::memory_order_relaxed);
    const size_t k = FloorIndex(starts, num_functions, offset);
    if (k < num_functions && offset < functions_end) {
      result.function =
          slot.first_function_index.load(std::memory_order_relaxed) + static_cast<uint32_t>(k);
      result.function_start = start + starts[k];
      result.function_end = start + (k + 1 < num_functions ? starts[k + 1] : functions_end);
    }
    break;
  }
  g_readers[half].fetch_sub(1, std::memory_order_seq_cst);
  return result;
}

}  // namespace wasm
