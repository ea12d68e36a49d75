// The worker executable. The broker starts it once with --zygote (see
// sandbox/zygote.h); it warms up the runtime, then forks a confined worker
// per Spawn request, each running the WorkerService on its channel.
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/internal/sysinfo.h"
#include "absl/status/statusor.h"
#include "runtime/instance/imports.h"
#include "runtime/instance/raise_trap.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/jit/jit_instance.h"
#include "runtime/jit/parallel_for.h"
#include "runtime/validator.h"
#include "sandbox/confine.h"
#include "sandbox/worker/worker_service.h"
#include "sandbox/zygote.h"

namespace {

// (module (func (export "f") (result i32) i32.const 1))
constexpr uint8_t kWarmUpModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01,
    0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x06,
    0x01, 0x04, 0x00, 0x41, 0x01, 0x0b};

// Compiles, instantiates and calls a tiny module in the zygote, so that every
// worker inherits what the first call sets up once per process (trap
// handlers, the alternate signal stack, the RaiseTrap stubs, the JIT's
// tables) instead of doing it confined.
void WarmUp() {
  absl::StatusOr<std::shared_ptr<const wasm::Module>> module = wasm::CompileModule(
      std::vector<uint8_t>(std::begin(kWarmUpModule), std::end(kWarmUpModule)));
  if (!module.ok()) return;
  absl::StatusOr<std::shared_ptr<const wasm::CompiledModule>> code =
      wasm::CompiledModule::Compile(*module);
  if (!code.ok()) return;
  (void)wasm::PrepareRaiseTrap();
  wasm::Store store;
  wasm::Imports none;
  absl::StatusOr<wasm::JitInstance*> instance = store.Instantiate(*code, none);
  if (!instance.ok()) return;
  std::optional<wasm::Extern> f = (*instance)->instance().GetExport("f");
  if (!f.has_value()) return;
  (void)wasm::CallFunction(*f->func(), wasm::FuncType{{}, {wasm::ValType::kI32}}, {});
}

// The JIT's compile threads (one per CPU besides the worker's own, at most
// kMaxCompileThreads in all), started in each new worker before its
// confinement (ConfineOptions::before_confine). The cap keeps a host with
// many plugins on a many-core machine from holding dozens of idle threads
// (and their address space) per worker.
constexpr int kMaxCompileThreads = 4;
wasm::ThreadPool* g_compile_pool = nullptr;

void StartCompilePool() {
  // absl::Mutex, when contended, spins a number of times it works out once
  // from the CPU count, which Abseil reads on first need from
  // /sys/devices/system/cpu/online: an openat the policy kills. Tier-up makes
  // contention possible (the pool registers code while the main thread
  // looks up trap sites), so the count is read here, while still allowed.
  absl::base_internal::NumCPUs();
  const int helpers = std::min(wasm::ResolveThreads(0), kMaxCompileThreads) - 1;
  if (helpers <= 0) return;
  // A helper thread allocates from its own glibc arena (a 64 MiB heap), and
  // glibc shrinks such a heap only after reading /proc/sys/vm/overcommit_memory
  // (openat: refused by the policy). A trim threshold above the heap size
  // means it never tries; the worker returns freed memory with malloc_trim
  // (madvise) after each compile instead.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // Each helper's first malloc sets up its glibc arena (which asks the kernel
  // for the CPU count, a syscall the policy refuses) while still allowed.
  auto warm_up = [] { free(malloc(64)); };
  g_compile_pool = new wasm::ThreadPool(helpers, warm_up);  // lives as long as the worker
}

int WorkerMain(int channel_fd) {
  // The broker names each module's JIT tier; the debugging override of
  // runtime/jit (WASM_JIT_TIER) must not replace it in a worker (it could
  // ask for a tier-up thread, which the seccomp policy forbids).
  unsetenv("WASM_JIT_TIER");
  return wasm::sandbox::RunWorker(channel_fd, g_compile_pool);
}

}  // namespace

int main(int argc, char** argv) {
  wasm::sandbox::ConfineOptions confine;
  confine.before_confine = &StartCompilePool;
  std::optional<int> code =
      wasm::sandbox::MaybeRunZygote(argc, argv, &WorkerMain, confine, &WarmUp);
  if (code.has_value()) return *code;
  std::fprintf(stderr,
               "worker: the sandbox's worker executable; the broker starts it with --zygote\n");
  return 2;
}
