// Benchmark (not a test): three compute kernels written in C (kernels/),
// built to wasm32 by clang-14 at build time, run in one process run three
// ways, best of RUNS each:
//   ours    the module compiled by our JIT (CompiledModule + Store), called
//           through CallFunction (the real entry path, trap handling included);
//           with the optimising compiler, and again with the baseline tier
//           ("baseline ms": runtime/baseline, the fast-to-compile tier)
//   node    the same .wasm in node (V8), timed inside node (kernels_node.js)
//   native  the same C compiled by gcc -O2 into this binary
// and prints the ratios ours/node and ours/native. Results must agree.
//
//   bazel run -c opt //runtime/bench:kernels_benchmark [-- RUNS]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "runtime/instance/imports.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/jit/jit_instance.h"
#include "runtime/validator.h"

extern "C" {
double matmul_run(int reps);
int sieve_run(int reps);
unsigned int crc32_run(int reps);
}

namespace {

using Clock = std::chrono::steady_clock;

struct Kernel {
  const char* name;      // the export
  const char* wasm_arg;  // argv index of the .wasm path (filled in main)
  int arg;               // repetitions passed to the kernel
  bool is_float;
  double (*native)(int);
  std::string wasm_path;
};

double NativeMatmul(int n) { return matmul_run(n); }
double NativeSieve(int n) { return sieve_run(n); }
double NativeCrc(int n) { return crc32_run(n); }

std::string FormatResult(bool is_float, uint64_t bits) {
  if (is_float) {
    double d;
    std::memcpy(&d, &bits, 8);
    return absl::StrCat(d);
  }
  return absl::StrCat(static_cast<uint32_t>(bits));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: kernels_benchmark NODE_SCRIPT MATMUL.wasm SIEVE.wasm CRC32.wasm [RUNS]\n");
    return 2;
  }
  const std::string node_script = argv[1];
  const int runs = argc > 5 ? std::atoi(argv[5]) : 5;
  std::vector<Kernel> kernels = {
      {"matmul_run", nullptr, 20, true, NativeMatmul, argv[2]},
      {"sieve_run", nullptr, 10, false, NativeSieve, argv[3]},
      {"crc32_run", nullptr, 40, false, NativeCrc, argv[4]},
  };

  // node, in one child process, before our runs (the machine is the same).
  std::string cmd = absl::StrCat("node ", node_script, " ", runs);
  for (const Kernel& k : kernels) absl::StrAppend(&cmd, " ", k.wasm_path, ":", k.name, ":", k.arg);
  std::vector<std::pair<double, std::string>> node_times;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char line[512];
    while (std::fgets(line, sizeof(line), p)) {
      std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(line), ' ');
      if (parts.size() == 3) node_times.push_back({std::atof(parts[1].c_str()), parts[2]});
    }
    pclose(p);
  }

  std::printf("%-12s %10s %10s %10s %11s %13s %9s %12s %9s  %s\n", "kernel", "ours ms",
              "node ms", "native ms", "ours/node", "ours/native", "compile", "baseline ms",
              "compile", "result");
  bool all_agree = true;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const Kernel& k = kernels[i];
    std::ifstream in(k.wasm_path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto module = wasm::CompileModule(bytes);
    if (!module.ok()) {
      std::printf("%s: %s\n", k.name, module.status().ToString().c_str());
      return 1;
    }
    // Our time with each tier: compile, instantiate, best of `runs` calls.
    struct TierRun {
      double seconds = 1e9;
      double compile_ms = 0;
      uint64_t bits = 0;
    };
    auto run_tier = [&](wasm::CompileOptions::Tier tier) -> std::optional<TierRun> {
      TierRun out;
      const auto c0 = Clock::now();
      auto code = wasm::CompiledModule::Compile(*module, {.tier = tier});
      out.compile_ms = std::chrono::duration<double, std::milli>(Clock::now() - c0).count();
      if (!code.ok()) {
        std::printf("%s: %s\n", k.name, code.status().ToString().c_str());
        return std::nullopt;
      }
      wasm::Imports imports;
      wasm::Store store;
      auto inst = store.Instantiate(*code, imports);
      if (!inst.ok()) {
        std::printf("%s: %s\n", k.name, inst.status().ToString().c_str());
        return std::nullopt;
      }
      std::optional<wasm::Extern> f = (*inst)->instance().GetExport(k.name);
      uint32_t func_index = 0;
      for (const wasm::Export& e : (*module)->exports) {
        if (e.name == k.name) func_index = e.index;
      }
      const wasm::FuncType& type = (*module)->FunctionType(func_index);
      for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        auto result = wasm::CallFunction(*f->func(), type, {static_cast<uint64_t>(k.arg)});
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        if (!result.ok()) {
          std::printf("%s: %s\n", k.name, result.status().ToString().c_str());
          return std::nullopt;
        }
        out.bits = (*result)[0];
        out.seconds = std::min(out.seconds, s);
      }
      return out;
    };
    const std::optional<TierRun> opt = run_tier(wasm::CompileOptions::Tier::kOptimizing);
    const std::optional<TierRun> base = run_tier(wasm::CompileOptions::Tier::kBaseline);
    if (!opt || !base) return 1;
    const double ours = opt->seconds;
    const uint64_t bits = opt->bits;
    const double compile_ms = opt->compile_ms;
    double native = 1e9;
    double native_result = 0;
    for (int r = 0; r < runs; ++r) {
      const auto t0 = Clock::now();
      native_result = k.native(k.arg);
      native = std::min(native, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    // Compare numerically: JS prints i32 results signed and doubles in their
    // shortest round-tripping form.
    double ours_value;
    if (k.is_float) {
      std::memcpy(&ours_value, &bits, 8);
    } else {
      ours_value = static_cast<uint32_t>(bits);
    }
    const bool have_node = i < node_times.size();
    const double node = have_node ? node_times[i].first : NAN;
    double node_value = NAN;
    if (have_node) {
      node_value = k.is_float ? std::strtod(node_times[i].second.c_str(), nullptr)
                              : static_cast<uint32_t>(std::strtoll(node_times[i].second.c_str(),
                                                                   nullptr, 10));
    }
    const double native_value = k.is_float ? native_result : static_cast<uint32_t>(native_result);
    const std::string our_text = FormatResult(k.is_float, bits);
    const bool agree = ours_value == native_value && (!have_node || node_value == ours_value) &&
                       base->bits == bits;
    all_agree &= agree;
    std::printf("%-12s %10.2f %10.2f %10.2f %10.2fx %12.2fx %7.2fms %12.2f %7.2fms  %s%s\n",
                k.name, ours * 1e3, node * 1e3, native * 1e3, ours / node, ours / native,
                compile_ms, base->seconds * 1e3, base->compile_ms, our_text.c_str(),
                agree ? "" : "  MISMATCH (node / native / baseline tier disagree)");
  }
  if (node_times.size() != kernels.size()) std::printf("node did not report every kernel\n");
  return all_agree ? 0 : 1;
}
