#include "host/api/instance.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "host/api/errors.h"
#include "host/api/state.h"

namespace wasm::api {
namespace {

constexpr uint32_t kModuleId = 1;
constexpr uint32_t kInstanceId = 1;

absl::Status Unsupported(const Import& import, absl::string_view what) {
  return LinkError(absl::StrCat("import ", import.module, ".", import.name, ": ", what,
                                " is not supported yet"));
}

}  // namespace

absl::StatusOr<Instance> Instance::Instantiate(const Module& module, const ImportObject& imports) {
  absl::StatusOr<host::Broker*> broker = internal::DefaultBroker();
  if (!broker.ok()) return RuntimeError(absl::StrCat("no sandbox: ", broker.status().message()));
  absl::StatusOr<std::unique_ptr<host::WorkerConnection>> worker = (*broker)->SpawnWorker();
  if (!worker.ok()) return RuntimeError(absl::StrCat("no worker: ", worker.status().message()));

  auto state = std::make_shared<internal::InstanceState>();
  state->worker = *std::move(worker);
  state->module = module.module();
  state->id = kInstanceId;
  host::WorkerConnection& w = *state->worker;
  ipc::LoadModule::Tier tier = ipc::LoadModule::TIERED;
  switch (module.options().tier) {
    case Tier::kTiered: tier = ipc::LoadModule::TIERED; break;
    case Tier::kOptimizing: tier = ipc::LoadModule::OPTIMIZING; break;
    case Tier::kBaseline: tier = ipc::LoadModule::BASELINE; break;
  }
  if (absl::Status s = w.LoadModule(kModuleId, module.module()->bytes, tier); !s.ok()) {
    return Classify(s);
  }

  std::vector<ipc::ImportBinding> bindings;
  uint32_t next_object = 1;
  // Host-created tables this instance's worker now holds (bound on success).
  std::vector<std::pair<std::shared_ptr<internal::TableState>, uint32_t>> host_tables;
  for (const Import& import : module.module()->imports) {
    ipc::ImportBinding& binding = bindings.emplace_back();
    const Extern* e = imports.Find(import.module, import.name);
    if (e == nullptr) {
      binding.mutable_unresolved();  // the worker reports "unknown import: m.n"
      continue;
    }
    const uint32_t object = next_object++;
    absl::Status defined;
    if (const Function* f = std::get_if<Function>(e)) {
      // Host functions run here; another instance's function is called in
      // its own worker from here: either way a broker-side callback.
      std::shared_ptr<internal::FunctionImpl> impl = f->impl();
      w.AddHostFunction(object, [impl](absl::Span<const uint64_t> args) {
        return impl->CallBits(args);
      });
      defined = w.DefineHostFunction(object, object, impl->type);
      state->keep_alive.push_back(impl);
    } else if (const Memory* m = std::get_if<Memory>(e)) {
      const LinearMemory& memory = *m->linear_memory();
      MemoryType type;
      type.limits.min = memory.pages();
      type.limits.max = memory.max_pages();
      type.limits.shared = memory.sharing() == MemorySharing::kShared;
      defined = w.DefineMemory(object, type, memory.fd());
      state->keep_alive.push_back(m->linear_memory());
    } else if (const Global* g = std::get_if<Global>(e)) {
      if (g->segment() == nullptr) return Unsupported(import, "this global (not in a shared cell)");
      defined = w.DefineGlobal(object, g->segment()->type(), g->segment()->fd(), g->segment()->offset());
      state->keep_alive.push_back(g->segment());
    } else {
      const internal::TableState& table = *std::get<Table>(*e).state();
      if (!table.host_created) return Unsupported(import, "another instance's table (across workers)");
      if (table.instance != nullptr) {
        return Unsupported(import, "a table already used by another instance's worker");
      }
      TableType type;
      type.elem_type = table.element;
      type.limits.min = table.length;
      if (table.maximum.has_value()) type.limits.max = *table.maximum;
      defined = w.DefineTable(object, type);
      host_tables.emplace_back(std::get<Table>(*e).state(), object);
    }
    if (!defined.ok()) return Classify(defined);
    binding.set_object_id(object);
  }
  if (absl::Status s = w.Instantiate(kInstanceId, kModuleId, bindings); !s.ok()) {
    return Classify(s);
  }
  for (auto& [table, object] : host_tables) {
    table->instance = state;
    table->ref.object_id = object;
  }
  return Instance(module, std::move(state));
}

absl::StatusOr<std::pair<Module, Instance>> Instance::InstantiateStreaming(
    ByteSource source, const ImportObject& imports, const CompileOptions& options) {
  absl::StatusOr<Module> module = Module::CompileStreaming(std::move(source), options);
  if (!module.ok()) return module.status();
  absl::StatusOr<Instance> instance = Instantiate(*module, imports);
  if (!instance.ok()) return instance.status();
  return std::make_pair(*std::move(module), *std::move(instance));
}

const Export* Instance::FindExport(absl::string_view name, ExternKind kind) const {
  for (const Export& e : state_->module->exports) {
    if (e.name == name && e.kind == kind) return &e;
  }
  return nullptr;
}

absl::StatusOr<Function> Instance::GetFunction(absl::string_view name) const {
  const Export* e = FindExport(name, ExternKind::kFunc);
  if (e == nullptr) return absl::NotFoundError(absl::StrCat("no exported function \"", name, "\""));
  auto impl = std::make_shared<internal::FunctionImpl>();
  impl->type = state_->module->FunctionType(e->index);
  impl->instance = state_;
  impl->export_name = std::string(name);
  return Function(std::move(impl));
}

absl::StatusOr<Memory> Instance::GetMemory(absl::string_view name) const {
  const Export* e = FindExport(name, ExternKind::kMemory);
  if (e == nullptr) return absl::NotFoundError(absl::StrCat("no exported memory \"", name, "\""));
  absl::StatusOr<std::pair<MemoryType, UniqueFd>> exported =
      state_->worker->ExportMemory(state_->id, std::string(name));
  if (!exported.ok()) return Classify(exported.status());
  absl::StatusOr<std::unique_ptr<LinearMemory>> memory = LinearMemory::MapExisting(
      std::move(exported->second), exported->first.limits.max,
      exported->first.limits.shared ? MemorySharing::kShared : MemorySharing::kUnshared);
  if (!memory.ok()) return RuntimeError(absl::StrCat("mapping memory \"", name, "\": ", memory.status().message()));
  return Memory(std::shared_ptr<LinearMemory>(*std::move(memory)));
}

absl::StatusOr<Table> Instance::GetTable(absl::string_view name) const {
  const Export* e = FindExport(name, ExternKind::kTable);
  if (e == nullptr) return absl::NotFoundError(absl::StrCat("no exported table \"", name, "\""));
  return Table(state_, std::string(name), state_->module->tables[e->index].elem_type);
}

absl::StatusOr<Global> Instance::GetGlobal(absl::string_view name) const {
  const Export* e = FindExport(name, ExternKind::kGlobal);
  if (e == nullptr) return absl::NotFoundError(absl::StrCat("no exported global \"", name, "\""));
  // The worker's cell, mapped here: reads and writes without a round trip,
  // and importable by instances in other workers.
  absl::StatusOr<host::WorkerConnection::ExportedGlobal> exported =
      state_->worker->ExportGlobal(state_->id, std::string(name));
  if (exported.ok()) {
    absl::StatusOr<std::unique_ptr<host::GlobalSegment>> segment =
        host::GlobalSegment::Map(exported->type, std::move(exported->fd), exported->offset);
    if (!segment.ok()) return RuntimeError(segment.status().message());
    return Global(std::shared_ptr<host::GlobalSegment>(*std::move(segment)));
  }
  if (!state_->worker->health().ok()) return Classify(exported.status());
  // A cell that is not in the worker's arena (a host global it re-exports,
  // say): read and written through the worker.
  return Global(state_, std::string(name), state_->module->globals[e->index].type);
}

}  // namespace wasm::api

namespace wasm::api {

absl::StatusOr<uint64_t> Instance::WorkerPeakRssKib() const {
  absl::StatusOr<uint64_t> kib = state_->worker->PeakRssKib();
  if (!kib.ok()) return Classify(kib.status());
  return kib;
}

absl::StatusOr<Instance::JitStatus> Instance::WorkerJitStatus() const {
  absl::StatusOr<host::WorkerConnection::Stats> stats = state_->worker->GetStats();
  if (!stats.ok()) return Classify(stats.status());
  return JitStatus{stats->tier_ups_installed > 0, stats->tier_ups_compiling > 0,
                   stats->baseline_fallbacks};
}

}  // namespace wasm::api
