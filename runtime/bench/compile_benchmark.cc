// Benchmark (not a test): JIT front-end throughput on the generated module
// of decode_benchmark (>= 10 MB of code): wasm -> SSA IR, and wasm -> IR ->
// optimisation passes, in MB/s of code-section bytes (1 MB = 10^6 bytes).
// The last lines are the whole JIT: CompiledModule::Compile (translate,
// optimise, lower, allocate registers, emit, link, map R+X), with its stage
// split, on one thread and on one thread per CPU.
//
//   bazel run -c opt //runtime/bench:compile_benchmark [-- RUNS [FUNCTIONS [full]]]
//
// FUNCTIONS (default 2500) shrinks the module, e.g. for a callgrind run:
//   valgrind --tool=callgrind --toggle-collect='wasm::CompiledModule::Compile*'
//       bazel-bin/runtime/bench/compile_benchmark 1 100      (one command line)
//
// A path ending in .wasm in place of FUNCTIONS measures that module instead
// (real compiler output, e.g. tools/fetch_real_module.sh's sqlite3.wasm).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "runtime/bench/generate_module.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/opt/pipeline.h"
#include "runtime/reader.h"
#include "runtime/section_decoder.h"
#include "runtime/translator/translator.h"
#include "runtime/validator.h"

namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double BestSeconds(int runs, F&& f) {
  double best = 1e9;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

// The size of the code section of a module that has already been validated,
// or 0.
size_t CodeSectionBytes(const std::vector<uint8_t>& bytes) {
  wasm::Reader r(bytes, 8, bytes.size(), /*whole_module=*/true);
  const wasm::SectionDecoder sections(nullptr);
  while (!r.AtEnd()) {
    uint8_t id = 0;
    uint32_t size = 0;
    if (!sections.ReadSectionHeader(r, &id, &size).ok()) return 0;
    if (id == wasm::kCodeSection) return size;
    if (!r.Skip(size).ok()) return 0;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 3;
  const std::string_view second = argc > 2 ? argv[2] : "2500";
  wasm::GeneratedModule gen;
  if (second.ends_with(".wasm")) {
    std::ifstream in(argv[2], std::ios::binary);
    if (!in) {
      std::printf("cannot read %s\n", argv[2]);
      return 1;
    }
    gen.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    const uint32_t functions = static_cast<uint32_t>(std::atoi(std::string(second).c_str()));
    gen = wasm::GenerateBenchmarkModule(functions, 4400);
  }
  auto module = wasm::CompileModule(gen.bytes);
  if (!module.ok()) {
    std::printf("module is invalid: %s\n", module.status().ToString().c_str());
    return 1;
  }
  gen.code_section_bytes = CodeSectionBytes(gen.bytes);
  const wasm::Module& m = **module;
  const double mb = gen.code_section_bytes / 1e6;
  // A third argument "full" skips the front-end-only measurements and the
  // multi-threaded compile (for a profile of the whole JIT on one thread:
  // callgrind's --toggle-collect sees only the thread that called Compile).
  const bool full_only = argc > 3 && std::string_view(argv[3]) == "full";
  size_t insts = 0;
  const double translate = full_only ? 0 : BestSeconds(runs, [&] {
    insts = 0;
    for (uint32_t i = 0; i < m.bodies.size(); ++i) {
      auto f = wasm::TranslateFunction(m, i);
      if (!f.ok()) std::abort();
      insts += f->insts.size();
    }
  });
  size_t after = 0;
  const double optimize = full_only ? 0 : BestSeconds(runs, [&] {
    after = 0;
    for (uint32_t i = 0; i < m.bodies.size(); ++i) {
      auto f = wasm::TranslateFunction(m, i);
      if (!f.ok()) std::abort();
      if (!wasm::opt::Optimize(*f, wasm::opt::OptimizeOptions{.verify = false}).ok()) std::abort();
      for (wasm::ir::Block b : f->layout) after += f->block(b).insts.size();
    }
  });
  std::printf("code section: %.2f MB, %u functions, %zu IR instructions (%zu after passes)\n", mb,
              static_cast<unsigned>(m.bodies.size()), insts, after);
  if (!full_only) {
    std::printf("translate:             %8.1f ms  %7.1f MB/s\n", translate * 1e3, mb / translate);
    std::printf("translate + optimise:  %8.1f ms  %7.1f MB/s  (best of %d)\n", optimize * 1e3,
                mb / optimize, runs);
  }
  // The whole JIT on one thread, then on one thread per CPU (the default of
  // in-process embedders; a sandboxed worker compiles on one), side by side,
  // for each tier: the optimising compiler, then the baseline tier (with
  // WASM_JIT_TIER set, only the tier it names runs).
  using Tier = wasm::CompileOptions::Tier;
  const bool tier_from_env = std::getenv("WASM_JIT_TIER") != nullptr;
  for (Tier tier : {Tier::kOptimizing, Tier::kBaseline}) {
    if (tier_from_env && tier != Tier::kOptimizing) continue;
    const char* tier_name = tier_from_env ? std::getenv("WASM_JIT_TIER")
                            : tier == Tier::kOptimizing ? "optimizing" : "baseline";
    for (int threads : {1, 0}) {
      if (full_only && threads != 1) continue;
      wasm::CompileStats stats;
      const double full = BestSeconds(runs, [&] {
        auto code = wasm::CompiledModule::Compile(*module, {.threads = threads, .tier = tier});
        if (!code.ok()) {
          std::printf("compile failed: %s\n", code.status().ToString().c_str());
          std::abort();
        }
        stats = (*code)->stats();
      });
      std::printf("%s JIT compile, %d thread%s: %8.1f ms  %7.1f MB/s  (thread time: translate "
                  "%.0f ms, optimise %.0f ms, codegen %.0f ms, baseline %.0f ms (%u functions "
                  "left to the optimiser); link %.0f ms; %.2f MB of code)\n",
                  tier_name, stats.threads, stats.threads == 1 ? " " : "s", full * 1e3,
                  mb / full, stats.translate_seconds * 1e3, stats.optimize_seconds * 1e3,
                  stats.codegen_seconds * 1e3, stats.baseline_seconds * 1e3,
                  stats.baseline_fallbacks, stats.assemble_seconds * 1e3, stats.code_bytes / 1e6);
    }
  }
  // Tiered: Compile returns with the baseline tier's code; the optimising
  // compiler's follows in the background (one thread per CPU).
  if (!tier_from_env && !full_only) {
    double first = 1e9, ready = 1e9;
    for (int r = 0; r < runs; ++r) {
      const auto start = Clock::now();
      auto code = wasm::CompiledModule::Compile(*module, {.threads = 0, .tier = Tier::kTiered});
      if (!code.ok()) std::abort();
      first = std::min(first, std::chrono::duration<double>(Clock::now() - start).count());
      if (!(*code)->WaitForTierUp(600000) || !(*code)->TierUpStatus().ok()) std::abort();
      ready = std::min(ready, std::chrono::duration<double>(Clock::now() - start).count());
    }
    std::printf("tiered JIT compile, all CPUs: %8.1f ms to the baseline code (%.1f MB/s), "
                "%.1f ms until the optimised code is ready\n",
                first * 1e3, mb / first, ready * 1e3);
  }
  return 0;
}
