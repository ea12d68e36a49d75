// Runs the register-pressure kernels of regalloc_kernels.c (compiled to wasm
// by clang) through the whole JIT: CompileModule, CompiledModule::Compile, a
// Store instance, CallFunction. Prints each kernel's result and time; the
// register allocator's effect is measured by counting instructions around it:
//
//   bazel build -c opt //runtime/codegen/bench:regalloc_benchmark
//   valgrind --tool=callgrind bazel-bin/runtime/codegen/bench/regalloc_benchmark chacha
//
// Arguments: kernel names to run (chacha, filter, mix; default all),
// `--scale=N` (default 1) multiplying the iteration counts (0: compile and
// instantiate only, the baseline to subtract), `--wasm=PATH` (default: the
// runfile).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/instance/imports.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/jit/jit_instance.h"
#include "runtime/validator.h"

namespace {

struct Kernel {
  const char* name;
  std::vector<uint64_t> args;  // the last one is scaled
};

std::string Runfile(const char* argv0, const std::string& rel) {
  for (const std::string& base :
       {std::string(argv0) + ".runfiles/wasm_plugin_host/", std::string(argv0) + ".runfiles/__main__/",
        std::string("")}) {
    std::ifstream f(base + rel);
    if (f) return base + rel;
  }
  return rel;
}

int Run(int argc, char** argv) {
  uint64_t scale = 1;
  std::vector<std::string> names;
  std::string path = Runfile(argv[0], "runtime/codegen/bench/regalloc_kernels.wasm");
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--scale=", 8) == 0) {
      scale = std::stoull(argv[i] + 8);
    } else if (std::strncmp(argv[i], "--wasm=", 7) == 0) {
      path = argv[i] + 7;
    } else {
      names.push_back(argv[i]);
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 1;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  absl::StatusOr<std::shared_ptr<const wasm::Module>> module = wasm::CompileModule(std::move(bytes));
  if (!module.ok()) {
    std::fprintf(stderr, "%s\n", std::string(module.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<std::shared_ptr<const wasm::CompiledModule>> code =
      wasm::CompiledModule::Compile(*module);
  if (!code.ok()) {
    std::fprintf(stderr, "%s\n", std::string(code.status().message()).c_str());
    return 1;
  }
  std::printf("code: %zu bytes\n", (*code)->stats().code_bytes);
  wasm::Store store;
  wasm::Imports imports;
  absl::StatusOr<wasm::JitInstance*> inst = store.Instantiate(*code, imports);
  if (!inst.ok()) {
    std::fprintf(stderr, "%s\n", std::string(inst.status().message()).c_str());
    return 1;
  }
  const std::vector<Kernel> kernels = {
      {"chacha", {12345, 20000}}, {"filter", {2000000}}, {"mix", {2000000}}};
  for (const Kernel& k : kernels) {
    if (!names.empty() && std::find(names.begin(), names.end(), k.name) == names.end()) continue;
    std::optional<wasm::Extern> e = (*inst)->instance().GetExport(k.name);
    if (!e.has_value()) {
      std::fprintf(stderr, "no export %s\n", k.name);
      return 1;
    }
    const wasm::Module& m = **module;
    const wasm::FuncType* type = nullptr;
    for (const wasm::Export& ex : m.exports) {
      if (ex.kind == wasm::ExternKind::kFunc && ex.name == k.name) type = &m.FunctionType(ex.index);
    }
    std::vector<uint64_t> args = k.args;
    args.back() *= scale;
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<std::vector<uint64_t>> r = wasm::CallFunction(*e->func(), *type, args);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok()) {
      std::fprintf(stderr, "%s: %s\n", k.name, std::string(r.status().message()).c_str());
      return 1;
    }
    std::printf("%-8s result %016llx  %8.2f ms\n", k.name,
                static_cast<unsigned long long>(r->empty() ? 0 : (*r)[0]), ms);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
