#include "runtime/jit/compiled_module.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "runtime/baseline/baseline.h"
#include "runtime/codegen/emit.h"
#include "runtime/instance/builtins.h"
#include "runtime/jit/parallel_for.h"
#include "runtime/ir/builtins.h"
#include "runtime/opt/pipeline.h"
#include "runtime/status_macros.h"
#include "runtime/translator/translator.h"
#include "runtime/x64/assembler.h"

namespace wasm {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// 0xcc (int3) up to a multiple of 16: where each function and the trampolines
// start (each piece's constant pool, at its end, needs 16-aligned starts).
void PadTo16(std::vector<uint8_t>& bytes) {
  while (bytes.size() % 16 != 0) bytes.push_back(0xcc);
}

// Writes the relocations of the piece at `base` of `bytes`: builtin addresses
// (kAbs64) and direct calls to defined functions (kPcRel32 to FunctionSymbol,
// resolved to `function_offsets`, by module-local index, within `bytes`).
absl::Status Link(const std::vector<x64::Relocation>& relocations, uint32_t base,
                  const Module& m, const std::vector<uint32_t>& function_offsets,
                  std::vector<uint8_t>& bytes) {
  for (const x64::Relocation& r : relocations) {
    const uint32_t at = base + r.offset;
    const uint32_t id = r.symbol.id();
    if (codegen::IsFunctionSymbol(id)) {
      const uint32_t callee = codegen::FunctionOfSymbol(id);
      if (r.kind != x64::Relocation::Kind::kPcRel32 || callee < m.num_imported_functions ||
          callee - m.num_imported_functions >= function_offsets.size()) {
        return absl::InternalError(
            absl::StrCat("bad call relocation to function ", callee, " at code offset ", at));
      }
      const int64_t disp =
          int64_t{function_offsets[callee - m.num_imported_functions]} + r.addend - at;
      const int32_t value = static_cast<int32_t>(disp);
      std::memcpy(bytes.data() + at, &value, sizeof(value));
      continue;
    }
    if (r.kind != x64::Relocation::Kind::kAbs64) {
      return absl::InternalError(absl::StrCat("unsupported relocation kind at code offset ", at));
    }
    const void* address = BuiltinAddress(static_cast<ir::Builtin>(id));
    if (address == nullptr) return absl::InternalError(absl::StrCat("unknown builtin ", id));
    const uint64_t value = reinterpret_cast<uintptr_t>(address);
    std::memcpy(bytes.data() + at, &value, sizeof(value));
  }
  return absl::OkStatus();
}

// One defined function's compilation, and the time of each stage.
struct FunctionResult {
  absl::StatusOr<codegen::FunctionCode> code = absl::UnknownError("not compiled");
  double translate_seconds = 0;
  double optimize_seconds = 0;
  double codegen_seconds = 0;
  double baseline_seconds = 0;
  bool fell_back = false;  // baseline asked for, optimising compiler used
};

FunctionResult CompileOptimizing(const Module& m, uint32_t d,
                                 const codegen::ModuleCodegenContext& ctx) {
  FunctionResult r;
  auto t0 = Clock::now();
  absl::StatusOr<ir::Function> f = TranslateFunction(m, d);
  r.translate_seconds = Since(t0);
  if (!f.ok()) {
    r.code = f.status();
    return r;
  }
  t0 = Clock::now();
  // The optimiser's context, one per thread, reused from function to
  // function as opt::Optimize(f) does: the control-flow graph it keeps
  // current gives codegen the block order without computing it again.
  thread_local opt::PassContext pass_ctx;
  if (absl::Status s = opt::Optimize(*f, opt::OptimizeOptions(), pass_ctx); !s.ok()) {
    r.code = s;
    return r;
  }
  r.optimize_seconds = Since(t0);
  t0 = Clock::now();
  r.code = codegen::CompileFunctionCode(*f, ctx, pass_ctx.CfgOrder(*f).ReversePostOrder());
  r.codegen_seconds = Since(t0);
  pass_ctx.ReleaseIfBig(*f);
  RecycleFunction(*std::move(f));
  return r;
}

FunctionResult CompileOne(const Module& m, uint32_t d, const codegen::ModuleCodegenContext& ctx,
                          CompileOptions::Tier tier) {
  if (tier != CompileOptions::Tier::kOptimizing) {
    FunctionResult r;
    const auto t0 = Clock::now();
    r.code = baseline::CompileFunction(m, d);
    r.baseline_seconds = Since(t0);
    // Anything the tier does not compile (an instruction it lacks, an
    // operand stack too deep for its frame) goes to the optimising compiler.
    if (tier == CompileOptions::Tier::kBaselineOnly || r.code.ok()) return r;
    FunctionResult o = CompileOptimizing(m, d, ctx);
    o.baseline_seconds = r.baseline_seconds;
    o.fell_back = true;
    return o;
  }
  return CompileOptimizing(m, d, ctx);
}

CompileOptions::Tier ResolveTier(CompileOptions::Tier tier) {
  const char* env = std::getenv("WASM_JIT_TIER");
  if (env == nullptr) return tier;
  const absl::string_view s(env);
  if (s == "baseline") return CompileOptions::Tier::kBaseline;
  if (s == "baseline-only") return CompileOptions::Tier::kBaselineOnly;
  if (s == "tiered") return CompileOptions::Tier::kTiered;
  if (s == "optimizing") return CompileOptions::Tier::kOptimizing;
  return tier;
}

}  // namespace

// The tier-up's state, shared by the CompiledModule of the first tier and
// the background compile (which never holds that CompiledModule).
struct CompiledModule::TierUp {
  std::atomic<bool> cancel{false};  // the CompiledModule went: stop compiling
  std::mutex mutex;
  std::condition_variable ended_cv;
  bool ended = false;  // the background compile is over
  absl::Status status;
  std::shared_ptr<const CompiledModule> optimized;
  std::vector<Instance*> instances;  // attached, waiting for `optimized`
};

namespace {

// The defined functions of `instance` get `code`'s entry points.
void InstallCode(Instance& instance, const CompiledModule& code) {
  const Module& m = code.module();
  for (uint32_t d = 0; d < m.bodies.size(); ++d) {
    // (Cannot fail: d is a defined function of the instance's own module.)
    instance.SetFunctionCode(m.num_imported_functions + d, code.native_code(d), code.array_entry(d))
        .IgnoreError();
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const CompiledModule>> CompiledModule::Compile(
    std::shared_ptr<const Module> module, const CompileOptions& options) {
  CompileOptions resolved = options;
  resolved.tier = ResolveTier(options.tier);
  return CompileTier(std::move(module), resolved);
}

absl::StatusOr<std::shared_ptr<const CompiledModule>> CompiledModule::CompileTier(
    std::shared_ptr<const Module> module, const CompileOptions& options) {
  if (module == nullptr) return absl::InvalidArgumentError("CompiledModule::Compile: null module");
  auto out = std::shared_ptr<CompiledModule>(new CompiledModule());
  out->module_ = module;
  const Module& m = *module;
  const uint32_t num_defined = static_cast<uint32_t>(m.bodies.size());
  const codegen::ModuleCodegenContext ctx(m);
  // A tiered module starts with the baseline tier's code.
  const CompileOptions::Tier tier = options.tier == CompileOptions::Tier::kTiered
                                        ? CompileOptions::Tier::kBaseline
                                        : options.tier;

  // Every function on its own, in parallel: no shared mutable state but the
  // results (each thread writes its own slots) and the first-error flag.
  const auto t_start = Clock::now();
  std::vector<FunctionResult> results(num_defined);
  std::atomic<bool> failed{false};
  const bool dumping = ctx.dump.ir || ctx.dump.vcode || ctx.dump.asm_text;
  auto compile = [&](size_t d) {
    results[d] = CompileOne(m, static_cast<uint32_t>(d), ctx, tier);
    if (!results[d].code.ok()) failed.store(true, std::memory_order_relaxed);
  };
  auto stop = [&] {
    return failed.load(std::memory_order_relaxed) ||
           (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed));
  };
  if (options.pool != nullptr && !dumping) {
    out->stats_.threads = options.pool->helpers() + 1;
    options.pool->ParallelFor(num_defined, compile, stop);
  } else {
    out->stats_.threads = dumping ? 1 : ResolveThreads(options.threads);
    ParallelFor(num_defined, out->stats_.threads, compile, stop);
  }
  for (const FunctionResult& r : results) {
    out->stats_.translate_seconds += r.translate_seconds;
    out->stats_.optimize_seconds += r.optimize_seconds;
    out->stats_.codegen_seconds += r.codegen_seconds;
    out->stats_.baseline_seconds += r.baseline_seconds;
    out->stats_.baseline_fallbacks += r.fell_back ? 1 : 0;
  }
  out->stats_.parallel_seconds = Since(t_start);
  if (options.cancel != nullptr && options.cancel->load()) {
    return absl::CancelledError("compile cancelled");
  }
  // The first error in function order (later functions may not have run).
  for (const FunctionResult& r : results) {
    if (!r.code.ok()) return r.code.status();
  }

  // Link: the functions in order, 16-aligned, then the trampolines.
  const auto t0 = Clock::now();
  size_t total = 0;
  for (const FunctionResult& r : results) total += r.code->code.bytes.size() + 15;
  std::vector<uint8_t> bytes;
  std::vector<TrapSite> traps;
  bytes.reserve(total + 64 * size_t{num_defined} + 16);
  std::vector<uint32_t> bases(num_defined);
  out->code_offsets_.reserve(num_defined);
  for (uint32_t d = 0; d < num_defined; ++d) {
    PadTo16(bytes);
    const x64::AssembledCode& code = results[d].code->code;
    bases[d] = static_cast<uint32_t>(bytes.size());
    out->code_offsets_.push_back(bases[d] + results[d].code->entry);
    bytes.insert(bytes.end(), code.bytes.begin(), code.bytes.end());
    for (const TrapSite& t : code.traps) {
      traps.push_back(TrapSite{bases[d] + t.code_offset, t.kind});
    }
  }
  x64::Assembler as;
  std::vector<x64::Label> entries;
  entries.reserve(num_defined);
  for (uint32_t d = 0; d < num_defined; ++d) {
    const uint32_t func_index = m.num_imported_functions + d;
    entries.push_back(as.NewLabel());
    as.Bind(entries.back());
    codegen::EmitArrayEntryTrampoline(
        m.FunctionType(func_index),
        as.ExternalLabel(x64::ExternalSymbol(codegen::FunctionSymbol(func_index))), as);
  }
  ASSIGN_OR_RETURN(x64::AssembledCode trampolines, as.Finish());
  PadTo16(bytes);
  const uint32_t trampolines_base = static_cast<uint32_t>(bytes.size());
  if (bytes.size() + trampolines.bytes.size() > (1u << 30)) {
    return absl::ResourceExhaustedError("code too large");
  }
  bytes.insert(bytes.end(), trampolines.bytes.begin(), trampolines.bytes.end());
  for (const TrapSite& t : trampolines.traps) {
    traps.push_back(TrapSite{trampolines_base + t.code_offset, t.kind});
  }
  for (uint32_t d = 0; d < num_defined; ++d) {
    RETURN_IF_ERROR(
        Link(results[d].code->code.relocations, bases[d], m, out->code_offsets_, bytes));
  }
  RETURN_IF_ERROR(Link(trampolines.relocations, trampolines_base, m, out->code_offsets_, bytes));
  results.clear();
  out->stats_.code_bytes = bytes.size();
  if (bytes.empty()) {  // a module without functions: nothing to map
    out->stats_.assemble_seconds = Since(t0);
    return std::shared_ptr<const CompiledModule>(std::move(out));
  }
  out->entry_offsets_.reserve(num_defined);
  for (uint32_t d = 0; d < num_defined; ++d) {
    out->entry_offsets_.push_back(trampolines_base + as.LabelOffset(entries[d]));
  }
  ASSIGN_OR_RETURN(out->code_, CodeMemory::Create(bytes));
  JitFunctionTable functions;
  if (num_defined > 0) {  // else the code is trampolines and pool only: no functions
    functions.first_index = m.num_imported_functions;
    functions.starts = out->code_offsets_;
    functions.end = out->entry_offsets_[0];
  }
  ASSIGN_OR_RETURN(out->registration_,
                   RegisterJitCode(out->code_->code(), std::move(traps), functions));
  out->symbols_ = RegisterModuleSymbols(out->code_->start(), module);
  out->stats_.assemble_seconds = Since(t0);
  if (options.tier == CompileOptions::Tier::kTiered) out->StartTierUp(options);
  return std::shared_ptr<const CompiledModule>(std::move(out));
}

namespace {

// Held by a tier-up job: if the job is destroyed without having run (its
// pool went first), the tier-up ends as Cancelled instead of never.
struct TierUpJobGuard {
  std::shared_ptr<CompiledModule::TierUp> tier_up;
  bool ran = false;
  ~TierUpJobGuard();
};

}  // namespace

void CompiledModule::StartTierUp(const CompileOptions& options) {
  tier_up_ = std::make_shared<TierUp>();
  CompileOptions optimizing;
  optimizing.tier = CompileOptions::Tier::kOptimizing;
  // On a pool the job is one of its threads, which starts no others; on a
  // thread of its own, it leaves one CPU to the code already running.
  optimizing.threads =
      options.pool != nullptr ? 1 : std::max(1, ResolveThreads(options.threads) - 1);
  optimizing.cancel = &tier_up_->cancel;
  auto guard = std::make_shared<TierUpJobGuard>();
  guard->tier_up = tier_up_;
  auto job = [guard, module = module_, optimizing, hook = options.before_tier_up_install] {
    guard->ran = true;
    const std::shared_ptr<TierUp>& tier_up = guard->tier_up;
    absl::StatusOr<std::shared_ptr<const CompiledModule>> code = CompileTier(module, optimizing);
    if (hook) hook();
    std::lock_guard<std::mutex> lock(tier_up->mutex);
    tier_up->ended = true;
    if (code.ok()) {
      tier_up->optimized = *std::move(code);
      for (Instance* instance : tier_up->instances) InstallCode(*instance, *tier_up->optimized);
      tier_up->instances.clear();
    } else {
      tier_up->status = code.status();
    }
    tier_up->ended_cv.notify_all();
  };
  if (options.pool != nullptr) {
    options.pool->Async(std::move(job));
    return;
  }
  bool started = false;
  {
    // The thread (and the helpers it starts) blocks the asynchronous
    // signals, as a pool's helpers do: they are for the threads running wasm.
    const CompileThreadSignalMask mask;
    try {
      tier_up_thread_ = std::thread(job);
      started = true;
    } catch (const std::system_error&) {
    }
  }
  if (!started) job();  // no thread to be had: the optimised code now, before returning
}

TierUpJobGuard::~TierUpJobGuard() {
  if (ran) return;
  std::lock_guard<std::mutex> lock(tier_up->mutex);
  if (tier_up->ended) return;
  tier_up->ended = true;
  tier_up->status = absl::CancelledError("tier-up dropped: its thread pool was destroyed first");
  tier_up->instances.clear();
  tier_up->ended_cv.notify_all();
}

CompiledModule::~CompiledModule() {
  if (tier_up_ != nullptr) tier_up_->cancel.store(true);
  if (tier_up_thread_.joinable()) tier_up_thread_.join();
}

void CompiledModule::AttachInstance(Instance* instance) const {
  if (tier_up_ == nullptr) return;
  std::lock_guard<std::mutex> lock(tier_up_->mutex);
  if (tier_up_->optimized != nullptr) {
    InstallCode(*instance, *tier_up_->optimized);
  } else if (!tier_up_->ended) {
    tier_up_->instances.push_back(instance);
  }
}

void CompiledModule::DetachInstance(Instance* instance) const {
  if (tier_up_ == nullptr) return;
  std::lock_guard<std::mutex> lock(tier_up_->mutex);
  auto& v = tier_up_->instances;
  v.erase(std::remove(v.begin(), v.end(), instance), v.end());
}

bool CompiledModule::WaitForTierUp(int64_t timeout_ms) const {
  if (tier_up_ == nullptr) return true;
  std::unique_lock<std::mutex> lock(tier_up_->mutex);
  return tier_up_->ended_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                     [&] { return tier_up_->ended; });
}

absl::Status CompiledModule::TierUpStatus() const {
  if (tier_up_ == nullptr) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(tier_up_->mutex);
  return tier_up_->status;
}

std::shared_ptr<const CompiledModule> CompiledModule::optimized() const {
  if (tier_up_ == nullptr) return nullptr;
  std::lock_guard<std::mutex> lock(tier_up_->mutex);
  return tier_up_->optimized;
}

absl::Span<const uint8_t> CompiledModule::code() const {
  return code_ == nullptr ? absl::Span<const uint8_t>() : code_->code();
}

const void* CompiledModule::native_code(uint32_t defined_index) const {
  return code_->start() + code_offsets_[defined_index];
}

const void* CompiledModule::array_entry(uint32_t defined_index) const {
  return code_->start() + entry_offsets_[defined_index];
}

}  // namespace wasm
