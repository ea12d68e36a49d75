// The per-kind `ud2` stubs behind RaiseTrap.
#include "runtime/instance/raise_trap.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/internal/raw_logging.h"
#include "absl/status/statusor.h"
#include "runtime/vm/code_memory.h"
#include "runtime/vm/code_registry.h"
#include "runtime/vm/trap_handler.h"

namespace wasm {
namespace {

constexpr uint8_t kUd2[] = {0x0f, 0x0b};
constexpr size_t kStubBytes = sizeof(kUd2);

struct TrapStubs {
  std::unique_ptr<CodeMemory> code;  // declared first: destroyed last
  CodeRegistration registration;
};

absl::StatusOr<TrapStubs> CreateStubs() {
  std::vector<uint8_t> bytes;
  std::vector<TrapSite> sites;
  for (size_t k = 0; k < kNumTrapKinds; ++k) {
    sites.push_back(TrapSite{static_cast<uint32_t>(bytes.size()), static_cast<TrapKind>(k)});
    bytes.insert(bytes.end(), kUd2, kUd2 + kStubBytes);
  }
  TrapStubs stubs;
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(bytes);
  if (!code.ok()) return code.status();
  stubs.code = *std::move(code);
  absl::StatusOr<CodeRegistration> registration =
      RegisterJitCode(stubs.code->code(), std::move(sites));
  if (!registration.ok()) return registration.status();
  stubs.registration = *std::move(registration);
  return stubs;
}

// Created on first use and kept for the life of the process (the stubs must
// outlive every thread that may trap).
const absl::StatusOr<TrapStubs>& Stubs() {
  static const absl::StatusOr<TrapStubs>* const stubs =
      new absl::StatusOr<TrapStubs>(CreateStubs());
  return *stubs;
}

}  // namespace

absl::Status PrepareRaiseTrap() { return Stubs().status(); }

void RaiseTrap(TrapKind kind) {
  const size_t index = static_cast<size_t>(kind);
  if (index >= kNumTrapKinds) {
    ABSL_RAW_LOG(FATAL, "RaiseTrap: invalid trap kind %zu", index);
  }
  if (ActiveTrapEntries() == 0) {
    ABSL_RAW_LOG(FATAL, "RaiseTrap(%s) outside CallWithTrapHandling",
                 std::string(TrapKindName(kind)).c_str());
  }
  const absl::StatusOr<TrapStubs>& stubs = Stubs();
  if (!stubs.ok()) {
    ABSL_RAW_LOG(FATAL, "RaiseTrap(%s) without trap stubs: %s",
                 std::string(TrapKindName(kind)).c_str(),
                 std::string(stubs.status().message()).c_str());
  }
  using Stub = void();
  stubs->code->EntryPoint<Stub>(index * kStubBytes)();
  // The stub never returns: the trap handler jumps to the entry.
  __builtin_unreachable();
}

}  // namespace wasm
