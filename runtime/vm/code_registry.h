// The process-wide registry of JIT code ranges, read by the trap handler.
//
// The signal handler must map a faulting PC to "is this JIT code, is it an
// explicit trap site, and which function is it in" without allocating or
// locking: it may run while the interrupted thread holds malloc's or any other
// lock. So the registry is a fixed array of slots published with atomics:
//
//   slot:  state (free / active) | code start | code end | trap sites (sorted)
//          | function table (sorted starts, end of the last, first index)
//
//   RegisterJitCode      (mutex among registrants) fill a free slot, then
//                        publish it: state = active (release)
//   LookupJitCode        (signal handler, no lock) readers[epoch & 1]++;
//                        scan active slots; binary-search the sites; readers--
//   ~CodeRegistration    (mutex) state = free; flip the epoch; wait until the
//                        old half of readers is 0; then free the sites array
//
// A lookup copies out what it needs before it decrements `readers`, so the
// trap-site and function arrays it searched cannot be freed under it.
//
// The function table is optional: it tells the trap handler's stack walk
// (stack_walk.h) where the functions are whose frames link through rbp, and
// their numbers (for wasm: the module's function index space). Code outside
// every function (trampolines, constant pools, the RaiseTrap stubs) has none.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<CodeMemory> code, CodeMemory::Create(bytes));
//   ASSIGN_OR_RETURN(CodeRegistration registration,
//                    RegisterJitCode(code->code(), {{0x10, TrapKind::kUnreachable}}));
//   LookupJitCode(start + 0x10) == {.in_jit_code = true, .site = kUnreachable}
//   // destroy `registration` before `code`
//
// Invariant: registered ranges do not overlap.
// Invariant: a slot's fields are written only while it is free, and its
//   trap-site and function arrays are freed only when no lookup can be
//   reading them.
#ifndef RUNTIME_VM_CODE_REGISTRY_H_
#define RUNTIME_VM_CODE_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/vm/trap.h"

namespace wasm {

// An explicit trap in generated code: the `ud2` (or any faulting instruction)
// at `code_offset` from the start of the registered range.
struct TrapSite {
  uint32_t code_offset;
  TrapKind kind;
};

// The functions of a registered range: function k covers code offsets
// [starts[k], starts[k + 1]) (the last one [starts.back(), end)) and has the
// number first_index + k. Code past `end` belongs to no function.
// Invariant: every function starts with `push rbp; mov rbp, rsp` (see
//   stack_walk.h), so while it runs past its prologue, [rbp] is its caller's
//   rbp and [rbp + 8] its return address.
struct JitFunctionTable {
  uint32_t first_index = 0;
  std::vector<uint32_t> starts;  // strictly increasing
  uint32_t end = 0;              // > starts.back(), <= the code's size
};

// How many ranges can be registered at once (a range is usually one
// compiled module's code).
inline constexpr int kMaxJitCodeRanges = 4096;

// Keeps a range registered; unregisters it on destruction. Move-only.
class CodeRegistration {
 public:
  CodeRegistration() = default;
  CodeRegistration(CodeRegistration&& other) noexcept : slot_(other.slot_) { other.slot_ = -1; }
  CodeRegistration& operator=(CodeRegistration&& other) noexcept;
  CodeRegistration(const CodeRegistration&) = delete;
  CodeRegistration& operator=(const CodeRegistration&) = delete;
  ~CodeRegistration() { Reset(); }

  bool registered() const { return slot_ >= 0; }
  // Unregisters now (waits for lookups in flight to finish).
  void Reset();

 private:
  friend absl::StatusOr<CodeRegistration> RegisterJitCode(absl::Span<const uint8_t>,
                                                          std::vector<TrapSite>,
                                                          const JitFunctionTable&);
  explicit CodeRegistration(int slot) : slot_(slot) {}

  int slot_ = -1;
};

// Registers `code` as JIT code with its trap sites (in any order; each
// offset inside the code, at most one site per offset) and its functions
// (none by default). The bytes must stay mapped while registered. Errors:
// empty code, a bad site, a bad function table, a range that overlaps a
// registered one, or no free slot.
absl::StatusOr<CodeRegistration> RegisterJitCode(absl::Span<const uint8_t> code,
                                                 std::vector<TrapSite> trap_sites,
                                                 const JitFunctionTable& functions = {});

struct JitCodeLookup {
  bool in_jit_code = false;     // pc is inside a registered range
  uintptr_t code_start = 0;     // that range's start
  std::optional<TrapKind> site;  // the trap site at exactly pc, if any
  // The function holding pc (first_index + k), if the range has a function
  // table and pc is inside one; then [function_start, function_end) is its code.
  std::optional<uint32_t> function;
  uintptr_t function_start = 0;
  uintptr_t function_end = 0;
};

// Which registered range holds `pc`, and the trap site there.
// Async-signal-safe: no allocation, no lock; may run on any thread.
JitCodeLookup LookupJitCode(uintptr_t pc);

}  // namespace wasm

#endif  // RUNTIME_VM_CODE_REGISTRY_H_
