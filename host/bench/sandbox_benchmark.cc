// The sandbox's costs, measured side by side in one run (not a test):
//   - spawn: Broker::SpawnWorker() until the new worker has answered its
//     first request (p50 / p90), target p50 <= 1 ms;
//   - wasm -> host import -> wasm round trip through the worker's channel,
//     next to the same import called in-process (JIT, no sandbox), target
//     p50 <= 5 us;
//   - broker -> wasm export call round trip;
//   - compile in a worker: LoadModule of the 11.38 MB generated module of
//     runtime/bench (decode + JIT on the worker's compile pool) with each
//     JIT tier, next to CompiledModule::Compile in-process on one thread;
//   - memory: the broker's RSS growth per idle worker + instance, and each
//     worker's RSS and private (unshared) memory from /proc/PID/smaps_rollup,
//     target <= 2 MiB beyond its linear memory.
//
//   bazel run -c opt //host/bench:sandbox_benchmark
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "host/broker.h"
#include "host/test_modules.h"
#include "runtime/bench/generate_module.h"
#include "runtime/instance/host_function.h"
#include "runtime/instance/imports.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/jit/jit_instance.h"
#include "runtime/validator.h"

namespace wasm::host {
namespace {

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

void Die(const absl::Status& s, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, std::string(s.message()).c_str());
  std::exit(1);
}

// "Rss:" and private kB of a process, from smaps_rollup.
struct Memory {
  long rss_kb = 0;
  long private_kb = 0;
};
Memory ReadMemory(int pid) {
  Memory m;
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (parts.size() < 2) continue;
    long kb = 0;
    if (!absl::SimpleAtoi(parts[1], &kb)) continue;
    if (parts[0] == "Rss:") m.rss_kb = kb;
    if (parts[0] == "Private_Clean:" || parts[0] == "Private_Dirty:") m.private_kb += kb;
  }
  return m;
}

// Global pids of a process's children (/proc/PID/task/*/children).
std::vector<int> Children(int pid) {
  std::vector<int> out;
  std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(dir + "/" + e->d_name + "/children");
    int child;
    while (in >> child) out.push_back(child);
  }
  closedir(d);
  return out;
}

ipc::ImportBinding Object(uint32_t id) {
  ipc::ImportBinding b;
  b.set_object_id(id);
  return b;
}

const std::vector<uint8_t>& Ping() { return testing_modules::WatModules().at("ping"); }

std::unique_ptr<WorkerConnection> PingWorker(Broker& broker) {
  absl::StatusOr<std::unique_ptr<WorkerConnection>> w = broker.SpawnWorker();
  if (!w.ok()) Die(w.status(), "spawn");
  (*w)->AddHostFunction(1, [](absl::Span<const uint64_t> a) -> absl::StatusOr<std::vector<uint64_t>> {
    return std::vector<uint64_t>{static_cast<uint32_t>(a[0] + 1)};
  });
  if (auto s = (*w)->DefineHostFunction(1, 1, FuncType{{ValType::kI32}, {ValType::kI32}}); !s.ok()) Die(s, "define");
  if (auto s = (*w)->LoadModule(1, Ping()); !s.ok()) Die(s, "load");
  if (auto s = (*w)->Instantiate(1, 1, {Object(1)}); !s.ok()) Die(s, "instantiate");
  return *std::move(w);
}

void Run() {
  absl::StatusOr<std::unique_ptr<Broker>> broker = Broker::Create({});
  if (!broker.ok()) Die(broker.status(), "broker");

  // Spawn latency: fork from the zygote + confinement + first answer.
  std::vector<double> spawn_us;
  for (int i = 0; i < 300; ++i) {
    const absl::Time t0 = absl::Now();
    absl::StatusOr<std::unique_ptr<WorkerConnection>> w = (*broker)->SpawnWorker();
    if (!w.ok()) Die(w.status(), "spawn");
    if (auto s = (*w)->DefineTable(1, TableType{ValType::kFuncRef, Limits{1, 1}}); !s.ok()) Die(s, "table");
    spawn_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
  }
  std::printf("spawn (SpawnWorker + first reply), 300 workers: p50 %.0f us, p90 %.0f us\n",
              Percentile(spawn_us, 0.5), Percentile(spawn_us, 0.9));

  std::unique_ptr<WorkerConnection> w = PingWorker(**broker);
  // wasm -> host -> wasm: batches of 1000 imports, per-call time.
  std::vector<double> import_us;
  for (int i = 0; i < 200; ++i) {
    const absl::Time t0 = absl::Now();
    absl::StatusOr<std::vector<uint64_t>> r = w->CallExport(1, "loop", {1000});
    if (!r.ok() || (*r)[0] != 1000) Die(r.status(), "loop");
    import_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0) / 1000);
  }
  // broker -> wasm export round trip.
  std::vector<double> export_us;
  for (int i = 0; i < 20000; ++i) {
    const absl::Time t0 = absl::Now();
    if (!w->CallExport(1, "nop", {}).ok()) Die(absl::InternalError("nop"), "nop");
    export_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
  }
  // The same import in-process (no sandbox), for reference.
  std::vector<double> local_us;
  {
    absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(Ping());
    absl::StatusOr<std::shared_ptr<const CompiledModule>> code = CompiledModule::Compile(*module);
    absl::StatusOr<std::shared_ptr<HostFunction>> ping = HostFunction::Create(
        FuncType{{ValType::kI32}, {ValType::kI32}},
        [](absl::Span<uint64_t> s) { s[0] = static_cast<uint32_t>(s[0] + 1); });
    Imports imports;
    (void)imports.Define("host", "ping", Extern::FromHostFunction(*ping));
    Store store;
    absl::StatusOr<JitInstance*> inst = store.Instantiate(*code, imports);
    if (!inst.ok()) Die(inst.status(), "local instance");
    std::optional<Extern> loop = (*inst)->instance().GetExport("loop");
    const FuncType type{{ValType::kI32}, {ValType::kI32}};
    for (int i = 0; i < 200; ++i) {
      const absl::Time t0 = absl::Now();
      (void)CallFunction(*loop->func(), type, {100000});
      local_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0) / 100000);
    }
  }
  std::printf("wasm -> host import -> wasm, sandboxed: p50 %.2f us, p90 %.2f us (per call, batches of 1000)\n",
              Percentile(import_us, 0.5), Percentile(import_us, 0.9));
  std::printf("wasm -> host import -> wasm, in-process JIT: p50 %.3f us\n", Percentile(local_us, 0.5));
  std::printf("broker -> wasm export call (nop), sandboxed: p50 %.2f us, p90 %.2f us (20000 calls)\n",
              Percentile(export_us, 0.5), Percentile(export_us, 0.9));
  w.reset();

  // Compile speed in the worker (its pool) next to one thread in-process,
  // for each JIT tier (LoadModule returns once the module can run: for
  // TIERED, with the baseline code, the optimised code still compiling).
  {
    const GeneratedModule gen = GenerateBenchmarkModule(2500, 4400);
    const double mb = gen.code_section_bytes / 1e6;
    double best_local = 1e9;
    for (int i = 0; i < 3; ++i) {
      absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(gen.bytes);
      if (!module.ok()) Die(module.status(), "decode the generated module");
      const absl::Time t1 = absl::Now();
      absl::StatusOr<std::shared_ptr<const CompiledModule>> code =
          CompiledModule::Compile(*module, {.threads = 1});
      if (!code.ok()) Die(code.status(), "compile the generated module");
      best_local = std::min(best_local, absl::ToDoubleSeconds(absl::Now() - t1));
    }
    std::printf("compile %.2f MB in-process, optimising JIT on 1 thread: %.0f ms = %.1f MB/s (best of 3)\n",
                mb, best_local * 1e3, mb / best_local);
    const std::pair<ipc::LoadModule::Tier, const char*> tiers[] = {
        {ipc::LoadModule::OPTIMIZING, "optimizing"},
        {ipc::LoadModule::TIERED, "tiered"},
        {ipc::LoadModule::BASELINE, "baseline"}};
    for (const auto& [tier, name] : tiers) {
      double best_worker = 1e9;
      for (int i = 0; i < 3; ++i) {
        absl::StatusOr<std::unique_ptr<WorkerConnection>> cw = (*broker)->SpawnWorker();
        if (!cw.ok()) Die(cw.status(), "spawn");
        const absl::Time t0 = absl::Now();
        if (auto s = (*cw)->LoadModule(1, gen.bytes, tier); !s.ok()) Die(s, "load the generated module");
        best_worker = std::min(best_worker, absl::ToDoubleSeconds(absl::Now() - t0));
      }
      std::printf("compile %.2f MB in a worker, %s tier (LoadModule: copy, decode, JIT on its "
                  "pool, %ld CPUs): %.0f ms = %.1f MB/s (best of 3)\n",
                  mb, name, sysconf(_SC_NPROCESSORS_ONLN), best_worker * 1e3, mb / best_worker);
    }
  }

  // Memory per idle instance: 50 workers, each with one ping instance
  // (a 1-page memory).
  const Memory before = ReadMemory(getpid());
  std::vector<std::unique_ptr<WorkerConnection>> idle;
  for (int i = 0; i < 50; ++i) idle.push_back(PingWorker(**broker));
  const Memory after = ReadMemory(getpid());
  std::printf("broker RSS per idle worker+instance: %.1f KiB (50 workers)\n",
              (after.rss_kb - before.rss_kb) / 50.0);
  const std::vector<int> zygote_children = Children((*broker)->zygote().zygote_pid());
  std::vector<double> rss, priv;
  for (int zygote_child : zygote_children) {
    for (int pid : Children(zygote_child).empty() ? std::vector<int>{zygote_child} : Children(zygote_child)) {
      const Memory m = ReadMemory(pid);
      if (m.rss_kb == 0) continue;
      rss.push_back(m.rss_kb);
      priv.push_back(m.private_kb);
    }
  }
  if (!rss.empty()) {
    std::printf("worker with one idle instance (%zu workers): RSS p50 %.0f KiB, private p50 %.0f KiB "
                "(linear memory: 64 KiB, untouched)\n",
                rss.size(), Percentile(rss, 0.5), Percentile(priv, 0.5));
  } else {
    std::printf("worker memory: could not find the worker processes under the zygote\n");
  }
}

}  // namespace
}  // namespace wasm::host

int main() {
  wasm::host::Run();
  return 0;
}
