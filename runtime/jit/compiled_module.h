// Machine code for every defined function of a validated Module.
//
//   wasm Module ─► for each function, on up to CompileOptions::threads threads:
//                  translate (translator/) ─► Optimize (opt/)
//                  ─► CompileFunctionCode (codegen/): its own Assembler, its own
//                     constant pool, calls as relocations to function symbols
//              ─► link: functions in order (16-aligned), then one array-entry
//                 trampoline per function; calls and builtin addresses patched
//              ─► CodeMemory (R+X) + trap sites registered
//
// One CompiledModule serves every instance of its module (the code reads all
// instance state through the VMContext in r14), so compile once, instantiate
// many times.
//
//   ASSIGN_OR_RETURN(std::shared_ptr<const CompiledModule> code,
//                    CompiledModule::Compile(module, {.threads = 0}));
//   instance->SetFunctionCode(i, code->native_code(d), code->array_entry(d));
//
// The code blob, in order: defined function 0 (prologue, body, trap stubs,
// jump tables, its constant pool), int3 padding to 16, function 1, ..., then
// the array-entry trampolines (and their pool). The blob is registered
// (code_registry.h) with its trap sites and its function table: function d
// covers [code_offsets_[d], code_offsets_[d + 1]), the last one up to the
// first trampoline, numbered num_imported_functions + d. That table and the
// module's names (backtrace.h) turn a trap's frames into a wasm backtrace.
// The result does not depend on the number of threads (byte for byte).
// Invariant: every defined function's code starts with `push rbp; mov rbp,
//   rsp` (codegen's prologue), as the function table requires.
#ifndef RUNTIME_JIT_COMPILED_MODULE_H_
#define RUNTIME_JIT_COMPILED_MODULE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/instance/instance.h"
#include "runtime/jit/backtrace.h"
#include "runtime/jit/parallel_for.h"
#include "runtime/module.h"
#include "runtime/vm/code_memory.h"
#include "runtime/vm/code_registry.h"

namespace wasm {

// Stage times are summed over the compiling threads (CPU time spent in each,
// roughly); parallel_seconds is the wall time of the parallel part, and
// assemble_seconds the wall time of the serial link after it.
struct CompileStats {
  double translate_seconds = 0;
  double optimize_seconds = 0;
  double codegen_seconds = 0;   // lowering, register allocation, emission, relaxation
  double baseline_seconds = 0;  // the baseline tier's functions, all of it
  // Functions the baseline tier was asked for but left to the optimising
  // compiler (an instruction it does not compile).
  uint32_t baseline_fallbacks = 0;
  double parallel_seconds = 0;  // wall: translate + optimise + codegen of every function
  double assemble_seconds = 0;  // wall: trampolines, linking, patching, mapping
  int threads = 1;
  size_t code_bytes = 0;
};

struct CompileOptions {
  // Threads compiling functions: 1 = the calling thread alone; 0 = one per
  // online CPU. A sandboxed worker must not start threads (its seccomp
  // policy forbids clone): it uses 1, or `pool`.
  int threads = 1;
  // When set, the pool's threads and the caller compile (threads is
  // ignored): a worker's pool, started before its confinement.
  ThreadPool* pool = nullptr;
  // Which compiler makes the code: the optimising one (translate, optimise,
  // codegen/), or the baseline tier (baseline/: one pass, several times
  // faster to compile, slower code). WASM_JIT_TIER=baseline / optimizing in
  // the environment overrides it; WASM_JIT_TIER=baseline-only is the
  // baseline tier without the fall-back below: a function it cannot compile
  // fails the module (tests of the tier's coverage).
  //
  // kTiered: both. Compile returns the baseline tier's code, and the
  // optimising compiler compiles the whole module in the background (on a
  // thread of its own, with `threads` minus one threads in all, at least
  // one, or on one of `pool`'s threads: ThreadPool::Async). When that code is ready it is installed in every
  // instance attached to this CompiledModule (Store::Instantiate attaches its
  // instances): their FuncRefs — exports, table entries, and the calls of
  // baseline code, which go through FuncRefs — then lead to the optimised
  // code. A call already running finishes in the baseline code.
  // (WASM_JIT_TIER=tiered also selects it.)
  enum class Tier : uint8_t { kOptimizing, kBaseline, kBaselineOnly, kTiered };
  Tier tier = Tier::kOptimizing;
  // When set and true, the compile stops taking functions and fails with
  // Cancelled (a tier-up's background compile, when its module goes).
  const std::atomic<bool>* cancel = nullptr;
  // kTiered, for tests: called on the background thread once the optimised
  // code is compiled, before it is installed (a test holds it there to see
  // the baseline code in use).
  std::function<void()> before_tier_up_install;
};

class CompiledModule {
 public:
  static absl::StatusOr<std::shared_ptr<const CompiledModule>> Compile(
      std::shared_ptr<const Module> module, const CompileOptions& options = {});

  const Module& module() const { return *module_; }
  const std::shared_ptr<const Module>& shared_module() const { return module_; }
  // Entry points of defined function `defined_index` (0 = first non-imported).
  const void* native_code(uint32_t defined_index) const;
  const void* array_entry(uint32_t defined_index) const;
  const CompileStats& stats() const { return stats_; }
  // The whole code blob (empty for a module without functions).
  absl::Span<const uint8_t> code() const;

  // ---- Tiered compilation (CompileOptions::Tier::kTiered) ----
  // Registers `instance`, whose defined functions have this code: the
  // optimised code is installed in its FuncRefs when ready (at once if it
  // is). DetachInstance before the instance is destroyed. Both do nothing
  // for a module compiled without a tier-up. Thread-safe.
  void AttachInstance(Instance* instance) const;
  void DetachInstance(Instance* instance) const;
  // True once the background compile has ended (its code installed, or it
  // failed: TierUpStatus), waiting up to `timeout_ms` for it; true at once
  // without a tier-up.
  bool WaitForTierUp(int64_t timeout_ms) const;
  // The background compile's outcome: OK while running or once installed.
  absl::Status TierUpStatus() const;
  // The optimised code once ready (its stats() are the background compile's),
  // else null.
  std::shared_ptr<const CompiledModule> optimized() const;

  // Cancels a background compile still running (it stops taking functions)
  // and waits for a thread of its own to end.
  ~CompiledModule();

  struct TierUp;  // (internal: a tier-up's state, shared with its job)

 private:
  CompiledModule() = default;
  // Compile without the environment's override (the background compile's
  // way: WASM_JIT_TIER=tiered must not make it tiered too).
  static absl::StatusOr<std::shared_ptr<const CompiledModule>> CompileTier(
      std::shared_ptr<const Module> module, const CompileOptions& options);
  // Starts the background compile of `options` (kTiered).
  void StartTierUp(const CompileOptions& options);

  std::shared_ptr<const Module> module_;
  std::unique_ptr<CodeMemory> code_;
  // Both destroyed before code_: its address may be reused once unmapped.
  CodeRegistration registration_;
  ModuleSymbolsRegistration symbols_;
  std::vector<uint32_t> code_offsets_;
  std::vector<uint32_t> entry_offsets_;
  CompileStats stats_;
  std::shared_ptr<TierUp> tier_up_;  // kTiered only
  std::thread tier_up_thread_;       // kTiered without a pool
};

}  // namespace wasm

#endif  // RUNTIME_JIT_COMPILED_MODULE_H_
