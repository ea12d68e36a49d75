#include "tests/spec/sandbox_engine.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "host/broker.h"
#include "runtime/instance/extern.h"
#include "runtime/instance/host_function.h"
#include "runtime/instance/table.h"
#include "runtime/instance/spectest.h"
#include "runtime/instance/vmcontext.h"
#include "runtime/status_macros.h"
#include "runtime/validator.h"
#include "tests/spec/value_bits.h"

namespace wasm::spec {
namespace {

// One broker (and zygote) for the whole run. A script's worker holds all of
// its instances, each memory an 8 GiB + 64 KiB reservation: 4 TiB of address
// space is room for ~500 (the largest core script instantiates ~150).
absl::StatusOr<host::Broker*> SharedBroker() {
  static absl::StatusOr<std::unique_ptr<host::Broker>>* broker =
      new absl::StatusOr<std::unique_ptr<host::Broker>>(
          host::Broker::Create({.address_space_bytes = uint64_t{4} << 40}));
  if (!broker->ok()) return broker->status();
  return broker->value().get();
}

}  // namespace

SandboxEngine::SandboxEngine(ipc::LoadModule::Tier tier) : tier_(tier) { setup_ = Start(); }

absl::Status SandboxEngine::Start() {
  ASSIGN_OR_RETURN(host::Broker * broker, SharedBroker());
  ASSIGN_OR_RETURN(worker_, broker->SpawnWorker());
  RETURN_IF_ERROR(DefineSpectest(&spectest_));
  uint64_t handle = 1;
  for (absl::string_view name : kSpectestNames) {
    const Extern* e = spectest_.Resolve("spectest", name);
    if (e == nullptr) return absl::InternalError(absl::StrCat("spectest has no ", name));
    const uint32_t object = next_id_++;
    switch (e->kind()) {
      case ExternKind::kFunc: {
        // A print function: its in-process HostFunction runs here, in the broker.
        auto owner = std::static_pointer_cast<const HostFunction>(e->owner());
        worker_->AddHostFunction(handle, [owner](absl::Span<const uint64_t> args)
                                             -> absl::StatusOr<std::vector<uint64_t>> {
          std::vector<uint64_t> slots(args.begin(), args.end());
          slots.resize(std::max(slots.size(), owner->type().results.size()));
          RETURN_IF_ERROR(owner->Call(absl::MakeSpan(slots)));
          slots.resize(owner->type().results.size());
          return slots;
        });
        RETURN_IF_ERROR(worker_->DefineHostFunction(object, handle++, owner->type()));
        break;
      }
      case ExternKind::kMemory: {
        const LinearMemory* memory = e->memory();
        MemoryType type;
        type.limits.min = memory->pages();
        type.limits.max = memory->max_pages();
        type.limits.shared = memory->sharing() == MemorySharing::kShared;
        RETURN_IF_ERROR(worker_->DefineMemory(object, type, memory->fd()));
        break;
      }
      case ExternKind::kGlobal: {
        ASSIGN_OR_RETURN(std::unique_ptr<host::GlobalSegment> segment,
                         host::GlobalSegment::Create(e->global_type(),
                                                     e->global()->Get(e->global_type().type)));
        RETURN_IF_ERROR(worker_->DefineGlobal(object, segment->type(), segment->fd()));
        globals_.push_back(std::move(segment));
        break;
      }
      case ExternKind::kTable:
        RETURN_IF_ERROR(worker_->DefineTable(object, e->table()->type()));
        break;
    }
    ipc::ImportBinding binding;
    binding.set_object_id(object);
    registry_[{"spectest", std::string(name)}] = binding;
  }
  return absl::OkStatus();
}

absl::Status SandboxEngine::Compile(std::vector<uint8_t> bytes) {
  return CompileModule(std::move(bytes)).status();
}

absl::Status SandboxEngine::Instantiate(std::vector<uint8_t> bytes,
                                        const std::optional<std::string>& name) {
  RETURN_IF_ERROR(setup_);
  // Decoded and validated here, in the broker; the worker gets valid bytes.
  ASSIGN_OR_RETURN(std::shared_ptr<const Module> module, CompileModule(std::move(bytes)));
  const uint32_t module_id = next_id_++;
  RETURN_IF_ERROR(worker_->LoadModule(module_id, module->bytes, tier_));
  std::vector<ipc::ImportBinding> bindings;
  for (const Import& import : module->imports) {
    auto it = registry_.find(std::make_pair(import.module, import.name));
    if (it != registry_.end()) {
      bindings.push_back(it->second);
    } else {
      bindings.emplace_back().mutable_unresolved();
    }
  }
  const uint32_t instance_id = next_id_++;
  absl::Status status = worker_->Instantiate(instance_id, module_id, bindings);
  if (!status.ok()) return ToScriptError(status);
  instances_.push_back({instance_id, std::move(module)});
  current_ = instances_.size() - 1;
  if (name.has_value()) named_[*name] = *current_;
  return absl::OkStatus();
}

absl::StatusOr<const SandboxEngine::InstanceInfo*> SandboxEngine::Find(
    const std::optional<std::string>& name) {
  if (!name.has_value()) {
    if (!current_.has_value()) return absl::FailedPreconditionError("no module instantiated yet");
    return &instances_[*current_];
  }
  auto it = named_.find(*name);
  if (it == named_.end()) return absl::NotFoundError(absl::StrCat("no module named ", *name));
  return &instances_[it->second];
}

absl::Status SandboxEngine::Register(const std::optional<std::string>& name, absl::string_view as) {
  ASSIGN_OR_RETURN(const InstanceInfo* instance, Find(name));
  for (const Export& e : instance->module->exports) {
    ipc::ImportBinding binding;
    binding.mutable_instance_export()->set_instance_id(instance->id);
    binding.mutable_instance_export()->set_name(e.name);
    registry_[{std::string(as), e.name}] = binding;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Value>> SandboxEngine::Invoke(const Action& action) {
  ASSIGN_OR_RETURN(const InstanceInfo* instance, Find(action.module));
  const FuncType* type = nullptr;
  for (const Export& ex : instance->module->exports) {
    if (ex.kind == ExternKind::kFunc && ex.name == action.field) {
      type = &instance->module->FunctionType(ex.index);
    }
  }
  if (type == nullptr) {
    return absl::NotFoundError(absl::StrCat("no exported function \"", action.field, "\""));
  }
  std::vector<uint64_t> args;
  for (const Value& v : action.args) {
    ASSIGN_OR_RETURN(uint64_t bits, ToBits(v));
    args.push_back(bits);
  }
  absl::StatusOr<std::vector<uint64_t>> results = worker_->CallExport(instance->id, action.field, args);
  if (!results.ok()) return ToScriptError(results.status());
  if (results->size() != type->results.size()) {
    return absl::InternalError("the worker returned the wrong number of results");
  }
  std::vector<Value> out;
  for (size_t i = 0; i < results->size(); ++i) {
    ASSIGN_OR_RETURN(Value v, FromBits(type->results[i], (*results)[i]));
    out.push_back(v);
  }
  return out;
}

absl::StatusOr<Value> SandboxEngine::Get(const Action& action) {
  ASSIGN_OR_RETURN(const InstanceInfo* instance, Find(action.module));
  for (const Export& ex : instance->module->exports) {
    if (ex.kind == ExternKind::kGlobal && ex.name == action.field) {
      const ValType type = instance->module->globals[ex.index].type.type;
      ASSIGN_OR_RETURN(uint64_t bits, worker_->GetGlobal(instance->id, action.field));
      return FromBits(type, bits);
    }
  }
  return absl::NotFoundError(absl::StrCat("no exported global \"", action.field, "\""));
}

}  // namespace wasm::spec
